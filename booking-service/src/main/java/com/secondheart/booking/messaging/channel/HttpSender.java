package com.secondheart.booking.messaging.channel;

import com.secondheart.booking.messaging.config.MessagingConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * One HTTP request to a provider, with the line between "surely not sent" and "maybe sent" drawn where the issue
 * asks: no connection (refused, unresolvable, connect timeout) is a retry; a request that left and got no answer
 * (request timeout, connection dropped) is unknown; 429 and 503 (the provider says it did not take it) are a
 * retry; other 5xx are unknown (the provider may have acted before failing); other 4xx are failures.
 * The JDK client, not Vert.x: its exceptions tell a connect timeout from a request timeout.
 */
@ApplicationScoped
public class HttpSender {

    private final HttpClient client;
    private final MessagingConfig config;

    public HttpSender(MessagingConfig config) {
        this.config = config;
        this.client = HttpClient.newBuilder().connectTimeout(config.http().connectTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public Uni<MessageChannel.Result> send(HttpRequest.Builder request, Function<String, MessageChannel.Result> accepted) {
        var built = request.timeout(config.http().requestTimeout()).build();
        Context context = Vertx.currentContext();
        return Uni.createFrom().completionStage(() -> client.sendAsync(built, HttpResponse.BodyHandlers.ofString()))
                .map(response -> classify(response, accepted))
                .onFailure().recoverWithItem(HttpSender::classify)
                // back on the caller's Vert.x context: the dispatcher records the outcome with Hibernate Reactive
                .emitOn(runnable -> {
                    if (context != null) {
                        context.runOnContext(ignored -> runnable.run());
                    } else {
                        runnable.run();
                    }
                });
    }

    public static URI uri(String base, String path) {
        return URI.create(base.replaceAll("/+$", "") + path);
    }

    private static MessageChannel.Result classify(HttpResponse<String> response, Function<String, MessageChannel.Result> accepted) {
        var status = response.statusCode();
        if (status >= 200 && status < 300) {
            return accepted.apply(response.body());
        }
        var reason = "HTTP " + status + ": " + clip(response.body());
        if (status == 429 || status == 503) {
            return new MessageChannel.Retry(reason);
        }
        if (status >= 500) {
            return new MessageChannel.Unknown(reason);
        }
        return new MessageChannel.Failed(reason);
    }

    static MessageChannel.Result classify(Throwable failure) {
        var cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
                || cause instanceof UnresolvedAddressException || cause.getCause() instanceof ConnectException
                || cause.getCause() instanceof UnresolvedAddressException) {
            return new MessageChannel.Retry("no connection: " + cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new MessageChannel.Unknown("no answer in time after the request left");
        }
        if (cause instanceof IOException) {
            return new MessageChannel.Unknown("connection lost after the request left: " + cause);
        }
        return new MessageChannel.Retry("not sent: " + cause);
    }

    static String clip(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
