package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The one-command fleet as {@code ./fleet} starts it (the launcher's jar and its libraries, embedded PostgreSQL and
 * HiveMQ, the demo clinics, units and desk), on free ports and a data directory of its own, with its output kept in
 * a file beside the service logs it writes. Closing it sends SIGTERM, as Ctrl-C does.
 */
final class LaunchedFleet implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** "    ops              Xyz123     operations     every clinic" as the launcher prints each demo user. */
    private static final Pattern USER_LINE = Pattern.compile("^\\s{4}(\\S+)\\s+(\\S+)\\s+(operations|clinic-staff|fleet-admin)\\s+(.*)$");

    private final Process process;
    private final Path dataDir;
    private final Path output;
    private final Map<String, Integer> ports;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<String, String> passwords = new ConcurrentHashMap<>();

    private LaunchedFleet(Process process, Path dataDir, Path output, Map<String, Integer> ports) {
        this.process = process;
        this.dataDir = dataDir;
        this.output = output;
        this.ports = ports;
    }

    static LaunchedFleet start(Path dataDir, Path output, Map<String, String> extraEnv) throws IOException {
        var ports = new LinkedHashMap<String, Integer>();
        for (var name : List.of("DASHBOARD", "GATEWAY", "TELEMETRY", "BOOKING", "AGENT", "POSTGRES", "MQTT")) {
            ports.put(name, freePort());
        }
        var jar = ROOT.resolve("fleet-launcher/target/fleet-launcher.jar");
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=fleet-launcher-logback.xml",
                "-cp", jar + ":" + ROOT.resolve("fleet-launcher/target/lib") + "/*",
                "com.secondheart.launcher.FleetLauncher");
        var builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        var env = builder.environment();
        env.put("SH_FLEET_ROOT", ROOT.toString());
        env.put("SH_FLEET_DATA_DIR", dataDir.toString());
        ports.forEach((name, port) -> env.put("SH_FLEET_" + name + "_PORT", Integer.toString(port)));
        env.putAll(extraEnv);
        Files.createDirectories(output.getParent());
        var fleet = new LaunchedFleet(builder.start(), dataDir, output, ports);
        fleet.copyOutput();
        return fleet;
    }

    private void copyOutput() {
        var copier = new Thread(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 var writer = Files.newBufferedWriter(output)) {
                for (var line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                    writer.write(line);
                    writer.newLine();
                    writer.flush();
                    var user = USER_LINE.matcher(line);
                    if (user.matches()) {
                        passwords.put(user.group(1), user.group(2));
                    }
                }
            } catch (IOException e) {
                // the launcher's output closes when it is stopped; what it printed until then is in the file
                lines.add("(launcher output ended: " + e.getMessage() + ")");
            }
        }, "launcher-output");
        copier.setDaemon(true);
        copier.start();
    }

    /** Until the launcher printed its banner (every service ready, the desk running). */
    void awaitReady(Duration timeout) {
        await("the fleet's banner").atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the launcher exited with " + process.exitValue() + ":\n" + String.join("\n", lines));
            }
            return lines.stream().anyMatch(line -> line.contains("Press Ctrl-C to stop everything"));
        });
    }

    String password(String user) {
        return Optional.ofNullable(passwords.get(user)).orElseThrow(() -> new AssertionError("the launcher printed no password for " + user));
    }

    String url(String service) {
        return "http://localhost:" + ports.get(service);
    }

    String dashboardUrl() {
        return url("DASHBOARD");
    }

    Map<String, Integer> ports() {
        return ports;
    }

    Process process() {
        return process;
    }

    List<String> output() {
        return lines;
    }

    /** Every log the launcher writes: its own output and each service's log file. */
    List<Path> logs() throws IOException {
        var all = new ArrayList<Path>();
        all.add(output);
        var logDir = dataDir.resolve("logs");
        if (Files.isDirectory(logDir)) {
            try (Stream<Path> files = Files.walk(logDir)) {
                files.filter(Files::isRegularFile).forEach(all::add);
            }
        }
        return all;
    }

    /** The process of one service the launcher started (its jar path names it), if it runs. */
    Optional<ProcessHandle> service(String module) {
        var marker = module + "/target/quarkus-app/quarkus-run.jar";
        return process.descendants().filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .findFirst();
    }

    boolean ready(String service) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(url(service) + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String signIn(String user) throws IOException, InterruptedException {
        var body = JSON.writeValueAsString(Map.of("username", user, "password", password(user)));
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(dashboardUrl() + "/api/session"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("sign-in as " + user + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("token").asText();
    }

    JsonNode get(String service, String pathAndQuery, String token) throws IOException, InterruptedException {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(url(service) + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + service + pathAndQuery + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    JsonNode post(String service, String path, Object body, String token) throws IOException, InterruptedException {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(url(service) + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("POST " + service + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    boolean portsFree() {
        for (var port : ports.values()) {
            try (var socket = new Socket("127.0.0.1", port)) {
                return false;
            } catch (IOException free) {
                // nothing listens
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
