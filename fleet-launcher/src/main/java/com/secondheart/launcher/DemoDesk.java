package com.secondheart.launcher;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the clinics' front desks in the demo: now and then it starts a session on an idle unit through
 * the gateway's command API, exactly as check-in does, and after some completed sessions it records the client's
 * swelling measurements (a made-up pseudonymous client, plausible legs) so the outcome charts have data. Some units
 * stay idle so the dashboard shows a mix.
 */
final class DemoDesk implements AutoCloseable {

    private static final List<String> MODES = List.of("GRADIENT_SEQUENTIAL", "GRADIENT_SEQUENTIAL", "PERISTALTIC", "PULSE");

    private final JsonHttp http;
    private final String gatewayUrl;
    private final String telemetryUrl;
    private final int sessionMinutes;
    private final Set<String> sessionsSeen = new HashSet<>();
    private boolean firstLook = true;
    private final Random random = new Random(7);
    private final Map<String, Long> lastStartMillis = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "demo-desk");
        thread.setDaemon(true);
        return thread;
    });

    DemoDesk(JsonHttp http, String gatewayUrl, String telemetryUrl, int sessionMinutes) {
        this.http = http;
        this.gatewayUrl = gatewayUrl;
        this.telemetryUrl = telemetryUrl;
        this.sessionMinutes = sessionMinutes;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::startSessionsOnSomeIdleUnits, 3, 4, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::measureSomeClientsAfterTheirSession, 10, 6, TimeUnit.SECONDS);
    }

    /** About a third of the sessions completed since the desk started get before and after measurements. */
    private void measureSomeClientsAfterTheirSession() {
        try {
            var sessions = http.get(telemetryUrl + "/sessions?outcome=COMPLETED&size=50");
            if (!sessions.ok()) {
                return;
            }
            for (var session : sessions.body()) {
                var sessionId = session.path("sessionId").asText();
                if (!sessionsSeen.add(sessionId) || firstLook || random.nextDouble() >= 0.35) {
                    continue;
                }
                var left = legBefore();
                var right = legBefore();
                http.post(telemetryUrl + "/outcomes", Map.of(
                        "clientId", UUID.randomUUID().toString(),
                        "clinicId", session.path("clinicId").asText(),
                        "sessionId", sessionId,
                        "method", "CIRCUMFERENCES",
                        "intervalCm", 4.0,
                        "before", Map.of("legs", Map.of("LEFT", left, "RIGHT", right)),
                        "after", Map.of("legs", Map.of("LEFT", after(left), "RIGHT", after(right)))));
            }
            firstLook = false;
        } catch (Exception e) {
            // Telemetry may be restarting; the next round tries again.
        }
    }

    /** Ankle to calf, every 4 cm: about 22 cm at the ankle widening to about 38 cm. */
    private List<Double> legBefore() {
        var ankle = 21.5 + random.nextDouble() * 3;
        return List.of(ankle, ankle + 4.5, ankle + 9.5, ankle + 13, ankle + 15.5).stream()
                .map(cm -> Math.round((cm + random.nextDouble() * 0.6) * 10) / 10.0).toList();
    }

    /** The same leg after the session: each site down by 0 to 0.9 cm (compression moves fluid; rest alone does too). */
    private List<Double> after(List<Double> before) {
        return before.stream().map(cm -> Math.round((cm - random.nextDouble() * 0.9) * 10) / 10.0).toList();
    }

    private void startSessionsOnSomeIdleUnits() {
        try {
            var units = http.get(gatewayUrl + "/units?size=200");
            if (!units.ok()) {
                return;
            }
            var now = System.currentTimeMillis();
            for (var unit : units.body()) {
                var unitId = unit.path("unitId").asText();
                var idle = "ONLINE".equals(unit.path("state").asText());
                var recentlyStarted = now - lastStartMillis.getOrDefault(unitId, 0L) < 15_000;
                if (idle && !recentlyStarted && random.nextDouble() < 0.35) {
                    var reply = http.post(gatewayUrl + "/units/" + unitId + "/commands", Map.of(
                            "type", "start-session",
                            "expiresInSeconds", 60,
                            "start", Map.of(
                                    "mode", MODES.get(random.nextInt(MODES.size())),
                                    "intensity", 2 + random.nextInt(5),
                                    "durationMinutes", sessionMinutes)));
                    if (reply.ok()) {
                        lastStartMillis.put(unitId, now);
                    }
                }
            }
        } catch (Exception e) {
            // The gateway may be restarting; the next round tries again.
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
