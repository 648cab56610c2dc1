package com.secondheart.systemtests;

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
