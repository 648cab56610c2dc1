package com.secondheart.booking.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * device-gateway's command API and event journal (empty until a test appends) as a real HTTP server on a free local
 * port. Each unit
 * behaves as a test tells it: accepts the start (default), refuses with a reason, is offline (PENDING), never
 * answers (SENT), or the gateway fails (500) or does not know it (404). Requests are recorded with their
 * Authorization header and body.
 */
public class FakeGateway implements QuarkusTestResourceLifecycleManager {

    public enum Behaviour { ACCEPT, REJECT, OFFLINE, SILENT, FAIL, UNKNOWN }

    /** A start command as the gateway received it. */
    public record Received(String unitId, String authorization, String bookingId, String body) {
    }

    private record Command(String commandId, String unitId, String state, String reason, String sessionId, String bookingId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Behaviour> BEHAVIOURS = new ConcurrentHashMap<>();
    private static final Map<String, String> REASONS = new ConcurrentHashMap<>();
    private static final Map<String, Command> COMMANDS = new ConcurrentHashMap<>();
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static final List<JournalEntry> JOURNAL = new CopyOnWriteArrayList<>();

    private record JournalEntry(long position, String json) {
    }

    /** Appends a FleetEvent (as the gateway's journal serves it) for the service's catch-up reader. */
    public static void journal(long position, String json) {
        JOURNAL.add(new JournalEntry(position, json));
    }

    private HttpServer server;

    public static void behave(String unitId, Behaviour behaviour) {
        BEHAVIOURS.put(unitId, behaviour);
    }

    public static void refuse(String unitId, String reason) {
        BEHAVIOURS.put(unitId, Behaviour.REJECT);
        REASONS.put(unitId, reason);
    }

    public static List<Received> received(String unitId) {
        return RECEIVED.stream().filter(r -> r.unitId().equals(unitId)).toList();
    }

    /** The session id the unit reported when it accepted the start of this booking, or null. */
    public static String sessionOf(String bookingId) {
        return COMMANDS.values().stream().filter(c -> bookingId.equals(c.bookingId()) && c.sessionId() != null)
                .map(Command::sessionId).findFirst().orElse(null);
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/events", exchange -> {
            var query = exchange.getRequestURI().getRawQuery();
            var after = 0L;
            var limit = 500;
            if (query != null) {
                for (var pair : query.split("&")) {
                    var parts = pair.split("=", 2);
                    if (parts.length == 2 && parts[0].equals("after")) {
                        after = Long.parseLong(parts[1]);
                    } else if (parts.length == 2 && parts[0].equals("limit")) {
                        limit = Integer.parseInt(parts[1]);
                    }
                }
            }
            var from = after;
            var page = JOURNAL.stream().filter(entry -> entry.position() > from)
                    .sorted((a, b) -> Long.compare(a.position(), b.position())).limit(limit)
                    .map(JournalEntry::json).toList();
            send(exchange, 200, "[" + String.join(",", page) + "]");
        });
        server.createContext("/units/", this::issue);
        server.createContext("/commands/", exchange -> {
            var id = exchange.getRequestURI().getPath().substring("/commands/".length());
            var command = COMMANDS.get(id);
            if (command == null) {
                send(exchange, 404, "{\"status\":404,\"detail\":\"There is no command.\"}");
                return;
            }
            send(exchange, 200, JSON.writeValueAsString(command));
        });
        server.start();
        return Map.of("sh.gateway.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void issue(HttpExchange exchange) throws IOException {
        var parts = exchange.getRequestURI().getPath().split("/");
        var unitId = parts[2];
        var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var request = (ObjectNode) JSON.readTree(body);
        var bookingId = request.path("bookingId").asText(null);
        RECEIVED.add(new Received(unitId, exchange.getRequestHeaders().getFirst("Authorization"), bookingId, body));
        var behaviour = BEHAVIOURS.getOrDefault(unitId, Behaviour.ACCEPT);
        if (behaviour == Behaviour.FAIL) {
            send(exchange, 500, "{\"status\":500}");
            return;
        }
        if (behaviour == Behaviour.UNKNOWN) {
            send(exchange, 404, "{\"status\":404,\"detail\":\"There is no unit.\"}");
            return;
        }
        var commandId = UUID.randomUUID().toString();
        var command = switch (behaviour) {
            case ACCEPT -> new Command(commandId, unitId, "ACCEPTED", null, "session-" + UUID.randomUUID(), bookingId);
            case REJECT -> new Command(commandId, unitId, "REJECTED", REASONS.getOrDefault(unitId, "a fault is latched"), null, bookingId);
            case OFFLINE -> new Command(commandId, unitId, "PENDING", null, null, bookingId);
            default -> new Command(commandId, unitId, "SENT", null, null, bookingId);
        };
        COMMANDS.put(commandId, command);
        var state = behaviour == Behaviour.OFFLINE ? "PENDING" : "SENT";
        send(exchange, 202, "{\"commandId\":\"" + commandId + "\",\"unitId\":\"" + unitId
                + "\",\"type\":\"start-session\",\"state\":\"" + state + "\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
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
