package com.secondheart.systemtests;

import com.secondheart.testsupport.TestServers;

import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import java.time.Instant;

import com.secondheart.launcher.JsonHttp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the ingest load tests (IngestBurstIT, IngestThroughputIT) do with a packaged gateway besides the load. */
final class GatewayUnderLoad {

    private static final JsonHttp HTTP = new JsonHttp(FleetUnderTest::systemTestToken);

    private GatewayUnderLoad() {
    }

    /**
     * The environment of a packaged gateway on {@code database} of the test PostgreSQL and the given broker, with the
     * system tests' keys; the caller adds its client id, session and subscription settings.
     */
    static Map<String, String> gatewayEnv(String database, String mqttHost, int mqttPort) {
        var env = new HashMap<String, String>();
        env.put("SH_DB_HOST", TestServers.pgHost());
        env.put("SH_DB_PORT", Integer.toString(TestServers.pgPort()));
        env.put("SH_DB_USER", TestServers.pgUser());
        env.put("SH_DB_PASSWORD", TestServers.pgPassword());
        env.put("SH_DB_NAME", database);
        env.put("SH_MQTT_HOST", mqttHost);
        env.put("SH_MQTT_PORT", Integer.toString(mqttPort));
        env.putAll(FleetUnderTest.securityEnv());
        return env;
    }

    /** Events per session of {@link #sessionLifecycleEvent}. */
    static final int EVENTS_PER_SESSION = 10;

    /**
     * Event {@code seq} of a unit that runs one session per ten events (started, eight phases, completed), as the
     * generators of the load tests send them: valid for the contract, so the gateway journals every one.
     */
    static UnitEvent sessionLifecycleEvent(String unitId, long boot, long seq) {
        var session = unitId + "-" + boot + "-" + ((seq - 1) / EVENTS_PER_SESSION + 1);
        var position = (int) ((seq - 1) % EVENTS_PER_SESSION);
        EventData data;
        if (position == 0) {
            data = new EventData.SessionStarted(session, ProgramMode.GRADIENT_SEQUENTIAL, 3, 5, 1200, null, null);
        } else if (position == EVENTS_PER_SESSION - 1) {
            data = new EventData.SessionCompleted(session, 1200, 8, List.of());
        } else {
            data = new EventData.SessionPhase(session, EventData.SessionPhase.Phase.values()[position % 4],
                    (position + 1) / 2);
        }
        return UnitEvent.of(unitId, seq, boot, Instant.now(), data);
    }

    /** Registers the units in parallel (a registration hashes a password), each must answer 201. */
    static void register(ExecutorService pool, String gatewayUrl, List<String> unitIds, String clinicId)
            throws Exception {
        var registrations = new ArrayList<Future<?>>();
        for (var unitId : unitIds) {
            registrations.add(pool.submit(() -> {
                var registered = HTTP.post(gatewayUrl + "/units", Map.of("unitId", unitId, "clinicId", clinicId,
                        "model", "SH-Boot-5", "zonesPerLeg", 5, "firmware", "1.4.0"));
                assertEquals(201, registered.status(), () -> "registration failed: " + registered.body());
                return null;
            }));
        }
        for (var registration : registrations) {
            registration.get(60, TimeUnit.SECONDS);
        }
    }

    /** Every journaled sequence number by unit, read through the gateway's feed (GET /events), page by page. */
    static Map<String, List<Long>> journalSeqsByUnit(String gatewayUrl) throws IOException, InterruptedException {
        var result = new HashMap<String, List<Long>>();
        long after = 0;
        while (true) {
            var page = HTTP.get(gatewayUrl + "/events?after=" + after + "&limit=1000").body();
            for (var fleetEvent : page) {
                after = Math.max(after, fleetEvent.path("journalPosition").asLong());
                result.computeIfAbsent(fleetEvent.path("event").path("unitId").asText(), id -> new ArrayList<>())
                        .add(fleetEvent.path("event").path("seq").asLong());
            }
            if (page.size() < 1000) {
                return result;
            }
        }
    }
}
