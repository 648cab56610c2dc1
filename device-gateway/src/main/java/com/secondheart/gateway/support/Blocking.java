package com.secondheart.gateway.support;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

import java.util.function.Supplier;

/**
 * Runs reactive (Hibernate Reactive) work from a plain thread, such as an ingest lane or a scheduler worker: the
 * Uni is subscribed on a new duplicated Vert.x context, as Hibernate Reactive requires, and the caller waits.
 */
public final class Blocking {

    private Blocking() {
    }

    public static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
