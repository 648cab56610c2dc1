package com.secondheart.launcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the clinics' front desks in the demo: now and then it starts a session on an idle unit through
 * the gateway's command API, exactly as check-in will. Some units stay idle so the dashboard shows a mix.
 */
final class DemoDesk implements AutoCloseable {

    private static final List<String> MODES = List.of("GRADIENT_SEQUENTIAL", "GRADIENT_SEQUENTIAL", "PERISTALTIC", "PULSE");

    private final JsonHttp http;
    private final String gatewayUrl;
    private final int sessionMinutes;
    private final Random random = new Random(7);
    private final Map<String, Long> lastStartMillis = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "demo-desk");
        thread.setDaemon(true);
        return thread;
    });

    DemoDesk(JsonHttp http, String gatewayUrl, int sessionMinutes) {
        this.http = http;
        this.gatewayUrl = gatewayUrl;
        this.sessionMinutes = sessionMinutes;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::startSessionsOnSomeIdleUnits, 3, 4, TimeUnit.SECONDS);
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
