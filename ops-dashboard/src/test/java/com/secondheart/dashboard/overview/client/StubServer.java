package com.secondheart.dashboard.overview.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server standing in for one upstream service: answers each path with what the test set, records what it
 * was asked, and can be stopped and started again on the same port to play a service that is down.
 */
public final class StubServer {

    /** What a route answers; {@code beforeAnswering} may block (a slow service), it runs on the server's own threads. */
    public record Answer(int status, String json, Runnable beforeAnswering) {

        public static Answer json(String json) {
            return new Answer(200, json, () -> { });
        }
    }

    private final String name;
    private final Map<String, Function<Map<String, String>, Answer>> routes = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private ExecutorService executor;
    private HttpServer server;
    private int port;

    public StubServer(String name) {
        this.name = name;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the " + name + " stub could not listen on port " + port, e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            var thread = new Thread(runnable, name + "-stub");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    /** Closes the port: callers now get "connection refused", as from a service that is down. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Answers GET {path} with what {@code answer} makes of the query parameters. */
    public void route(String path, Function<Map<String, String>, Answer> answer) {
        routes.put(path, answer);
    }

    public void json(String path, String json) {
        route(path, query -> Answer.json(json));
    }

    /** Path and query of every request so far, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** "METHOD path -> Authorization header" of every request so far, in order. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** "METHOD path body" of every request that had a body, in order. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    public void reset() {
        routes.clear();
        requests.clear();
        authorizations.clear();
        bodies.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var uri = exchange.getRequestURI();
            requests.add(uri.getRawQuery() == null ? uri.getPath() : uri.getPath() + "?" + uri.getRawQuery());
            authorizations.add(exchange.getRequestMethod() + " " + uri.getPath() + " -> "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            var sent = exchange.getRequestBody().readAllBytes();
            if (sent.length > 0) {
                bodies.add(exchange.getRequestMethod() + " " + uri.getPath() + " " + new String(sent, StandardCharsets.UTF_8));
            }
            var route = routes.get(uri.getPath());
            var answer = route != null
                    ? route.apply(query(uri.getRawQuery()))
                    : new Answer(404, "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"There is nothing at this address.\"}", () -> { });
            answer.beforeAnswering().run();
            var body = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.status() < 400 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static Map<String, String> query(String raw) {
        var params = new LinkedHashMap<String, String>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (var pair : raw.split("&")) {
            var at = pair.indexOf('=');
            var key = URLDecoder.decode(at < 0 ? pair : pair.substring(0, at), StandardCharsets.UTF_8);
            var value = at < 0 ? "" : URLDecoder.decode(pair.substring(at + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }
}
