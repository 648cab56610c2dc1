package com.secondheart.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** Just enough JSON over HTTP for seeding the demo and driving it; the services are the real API. */
public final class JsonHttp {

    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Supplier<String> bearerToken;

    /** Every request carries {@code Authorization: Bearer <token>} from the supplier (asked per request, so it may renew). */
    public JsonHttp(Supplier<String> bearerToken) {
        this.bearerToken = bearerToken;
    }

    public Reply get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public Reply post(String url, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body))));
    }

    public Reply put(String url, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body))));
    }

    private Reply send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        var response = client.send(builder.timeout(Duration.ofSeconds(10)).header("Accept", "application/json")
                        .header("Authorization", "Bearer " + bearerToken.get()).build(),
                HttpResponse.BodyHandlers.ofString());
        var text = response.body();
        JsonNode body = text == null || text.isBlank() ? MAPPER.nullNode() : MAPPER.readTree(text);
        return new Reply(response.statusCode(), body);
    }
}
