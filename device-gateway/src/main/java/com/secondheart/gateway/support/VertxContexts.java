package com.secondheart.gateway.support;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Bridges the HiveMQ client's futures back onto the Vert.x context that started them. The client completes its
 * futures on its own Netty threads, where Hibernate Reactive must not be touched; everything chained after such a
 * future therefore has to resume on the caller's (duplicated) Vert.x context.
 */
public final class VertxContexts {

    private VertxContexts() {
    }

    public static <T> Uni<T> fromStage(Supplier<? extends CompletionStage<T>> stage) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            Uni<T> uni = Uni.createFrom().completionStage(stage);
            return context == null ? uni : uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
        });
    }
}
