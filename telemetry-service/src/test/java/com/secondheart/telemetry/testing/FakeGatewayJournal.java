package com.secondheart.telemetry.testing;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The gateway's event journal as a real HTTP endpoint on a free local port: {@code GET /events?after=&limit=}
 * answers the entries appended by a test whose position is after {@code after}, in order. Empty until a test
 * appends, so the service's catch-up reader runs quietly for every other test.
 */
public class FakeGatewayJournal implements QuarkusTestResourceLifecycleManager {

    private static final List<Entry> ENTRIES = new CopyOnWriteArrayList<>();
    private static final List<Long> REQUESTED_AFTER = new CopyOnWriteArrayList<>();
    private static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    private HttpServer server;

    /** One journal entry: its position and the JSON the gateway would serve for it (valid or not). */
    public record Entry(long position, String json) {
    }

    public static void append(long position, String json) {
        ENTRIES.add(new Entry(position, json));
    }

    /** Appends the entries at once: the service's next read finds all of them or none (one page, one transaction). */
    public static void appendAll(List<Entry> entries) {
        ENTRIES.addAll(entries);
    }

    /** The {@code after} of every request the service made so far. */
    public static List<Long> requestedAfter() {
        return List.copyOf(REQUESTED_AFTER);
    }

    /** The Authorization header of every request the service made so far ("" when it sent none). */
    public static List<String> authorizations() {
        return List.copyOf(AUTHORIZATIONS);
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/events", exchange -> {
            var query = query(exchange.getRequestURI());
            var after = Long.parseLong(query.getOrDefault("after", "0"));
            var limit = Integer.parseInt(query.getOrDefault("limit", "500"));
            REQUESTED_AFTER.add(after);
            var authorization = exchange.getRequestHeaders().getFirst("Authorization");
            AUTHORIZATIONS.add(authorization == null ? "" : authorization);
            var page = ENTRIES.stream()
                    .filter(entry -> entry.position() > after)
                    .sorted((a, b) -> Long.compare(a.position(), b.position()))
                    .limit(limit)
                    .map(Entry::json)
                    .toList();
            var body = ("[" + String.join(",", page) + "]").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return Map.of("sh.gateway.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static Map<String, String> query(URI uri) {
        var result = new java.util.HashMap<String, String>();
        var raw = uri.getRawQuery();
        if (raw != null) {
            for (var pair : raw.split("&")) {
                var parts = pair.split("=", 2);
                result.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return result;
    }
}
