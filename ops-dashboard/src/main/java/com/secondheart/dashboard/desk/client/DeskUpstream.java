package com.secondheart.dashboard.desk.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The desk's calls to booking-service and telemetry-service, made with the signed-in person's own bearer token, so
 * that those services decide, as for any other caller, what this person may read and write (clinic scope, roles,
 * names for staff of the client's clinic only). Their answers come back as they are, status and problem body
 * included: the desk shows booking's own sentences. A plain JDK client rather than a typed REST client because the
 * desk forwards JSON it does not need to understand; a typed client would only decode and re-encode it.
 */
@ApplicationScoped
public class DeskUpstream {

    private static final Logger LOG = Logger.getLogger(DeskUpstream.class);

    /** Which service a call goes to. */
    public enum Target { BOOKING, TELEMETRY }

    /** An upstream answer: its status and its JSON body (null when it had none). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration timeout;
    private final String bookingUrl;
    private final String telemetryUrl;

    DeskUpstream(DashboardConfig config, ObjectMapper json,
                 @ConfigProperty(name = "sh.booking.url") String bookingUrl,
                 @ConfigProperty(name = "sh.telemetry.url") String telemetryUrl) {
        this.http = HttpClient.newBuilder().connectTimeout(config.upstream().connectTimeout()).build();
        this.json = json;
        this.timeout = config.desk().callTimeout();
        this.bookingUrl = trim(bookingUrl);
        this.telemetryUrl = trim(telemetryUrl);
    }

    public Uni<Answer> get(Target target, String path, String authorization) {
        return call(target, "GET", path, authorization, null);
    }

    public Uni<Answer> post(Target target, String path, String authorization, Object body) {
        return call(target, "POST", path, authorization, body == null ? json.createObjectNode() : body);
    }

    private Uni<Answer> call(Target target, String method, String path, String authorization, Object body) {
        var builder = HttpRequest.newBuilder(URI.create((target == Target.BOOKING ? bookingUrl : telemetryUrl) + path))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        }
        return Uni.createFrom().completionStage(() -> http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray()))
                .map(response -> new Answer(response.statusCode(), parse(response.body())))
                .onFailure().transform(failure -> {
                    LOG.debugf("desk call %s %s failed: %s", method, path, failure.toString());
                    return ProblemException.unavailable((target == Target.BOOKING ? "Booking" : "Telemetry")
                            + " could not be reached just now, so nothing was changed; try again in a moment.");
                });
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
