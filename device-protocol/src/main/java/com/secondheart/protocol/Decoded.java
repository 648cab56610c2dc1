package com.secondheart.protocol;

import java.util.function.Function;

/** The result of reading a payload: the message, or a reason a person can read. */
public sealed interface Decoded<T> {

    record Valid<T>(T message) implements Decoded<T> {
    }

    record Invalid<T>(RejectReason reason, String detail) implements Decoded<T> {
    }

    static <T> Decoded<T> valid(T message) {
        return new Valid<>(message);
    }

    static <T> Decoded<T> invalid(RejectReason reason, String detail) {
        return new Invalid<>(reason, detail);
    }

    default boolean isValid() {
        return this instanceof Valid<T>;
    }

    /** The message; only call after {@link #isValid()}. */
    default T message() {
        if (this instanceof Valid<T> valid) {
            return valid.message();
        }
        throw new IllegalStateException("payload was rejected: " + ((Invalid<T>) this).detail());
    }

    default <R> Decoded<R> map(Function<T, R> mapper) {
        if (this instanceof Valid<T> valid) {
            return new Valid<>(mapper.apply(valid.message()));
        }
        var invalid = (Invalid<T>) this;
        return new Invalid<>(invalid.reason(), invalid.detail());
    }
}
