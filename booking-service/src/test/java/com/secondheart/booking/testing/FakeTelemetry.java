package com.secondheart.booking.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * telemetry-service's API as booking's export and erasure call it, as a real HTTP server on a free local port:
 * sessions by id, outcomes by client ({@code GET /outcomes?clientId=}), and {@code POST /outcomes/unlink}. A test
 * puts sessions and outcomes in, may take the service down (503), and reads the calls with their Authorization.
 */
public class FakeTelemetry implements QuarkusTestResourceLifecycleManager {

    /** A call as telemetry received it. */
    public record Call(String method, String path, String query, String authorization) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Map<String, Object>> SESSIONS = new ConcurrentHashMap<>();
    private static final Map<String, List<Map<String, Object>>> OUTCOMES = new ConcurrentHashMap<>();
    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    private static volatile boolean down;

    private HttpServer server;

    public static void session(String sessionId, Map<String, Object> session) {
        SESSIONS.put(sessionId, session);
    }

    public static void outcome(String clientId, Map<String, Object> outcome) {
        OUTCOMES.computeIfAbsent(clientId, id -> new CopyOnWriteArrayList<>()).add(outcome);
    }

    public static List<Map<String, Object>> outcomesOf(String clientId) {
        return OUTCOMES.getOrDefault(clientId, List.of());
    }

    /** Down: every call answers 503. */
    public static void down(boolean isDown) {
        down = isDown;
    }

    public static List<Call> calls(String pathPrefix) {
        return CALLS.stream().filter(call -> call.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        return Map.of("sh.telemetry.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        var path = exchange.getRequestURI().getPath();
        var method = exchange.getRequestMethod();
        var query = query(exchange.getRequestURI().getRawQuery());
        CALLS.add(new Call(method, path, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders().getFirst("Authorization")));
        if (down) {
            send(exchange, 503, "{\"status\":503,\"detail\":\"down\"}");
            return;
        }
        if (method.equals("GET") && path.startsWith("/sessions/")) {
            var session = SESSIONS.get(path.substring("/sessions/".length()));
            if (session == null) {
                send(exchange, 404, "{\"status\":404,\"detail\":\"There is no session.\"}");
            } else {
                send(exchange, 200, JSON.writeValueAsString(session));
            }
        } else if (method.equals("GET") && path.equals("/outcomes")) {
            var all = OUTCOMES.getOrDefault(query.getOrDefault("clientId", ""), List.of());
            int page = Integer.parseInt(query.getOrDefault("page", "0"));
            int size = Integer.parseInt(query.getOrDefault("size", "50"));
            var from = Math.min(all.size(), page * size);
            send(exchange, 200, JSON.writeValueAsString(new ArrayList<>(all.subList(from, Math.min(all.size(), from + size)))));
        } else if (method.equals("POST") && path.equals("/outcomes/unlink")) {
            var clientId = query.getOrDefault("clientId", "");
            var removed = OUTCOMES.remove(clientId);
            send(exchange, 200, JSON.writeValueAsString(Map.of("clientId", clientId, "unlinked", removed == null ? 0 : removed.size())));
        } else {
            send(exchange, 404, "{\"status\":404}");
        }
    }

    private static Map<String, String> query(String raw) {
        var values = new HashMap<String, String>();
        if (raw != null) {
            for (var pair : raw.split("&")) {
                var parts = pair.split("=", 2);
                if (parts.length == 2) {
                    values.put(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
