package com.secondheart.dashboard.live;

import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.dashboard.overview.client.InjectUpstreams;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.overview.client.Upstreams;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.protocol.fleet.UnitState;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live stream as a browser reads it: over HTTP, with a bearer token, one JSON message per server-sent event. */
@QuarkusTest
@WithTestResource(UpstreamStubs.class)
@TestProfile(LiveStreamTest.OwnApplication.class)
class LiveStreamTest {

    /** Its own application: the live states these tests inject must not reach the overview tests. */
    public static class OwnApplication implements QuarkusTestProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("sh.dashboard.live.today-every", "0s");
        }
    }

    @InjectUpstreams
    Upstreams upstreams;

    @Inject
    LiveFleet live;

    @TestHTTPResource("/api/stream")
    URI stream;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final List<CompletableFuture<HttpResponse<Stream<String>>>> open = new ArrayList<>();

    @BeforeEach
    void serveTheStandardFleet() {
        upstreams.serveStandardFleet();
    }

    @AfterEach
    void closeStreams() {
        open.forEach(response -> response.thenAccept(answer -> answer.body().close()));
    }

    @Test
    void aUnitStateArrivingFromTheFleetTopicsReachesAnOpenStreamAtOnce() {
        var lines = read(TestTokens.operations(), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).contains("\"unitId\":\"unit-n1\""));

        live.onPresence(new UnitPresence(1, "unit-n1", "clinic-north", UnitState.IN_SESSION, 8, "2.1.0",
                Instant.now(), Instant.now()));

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).matches(
                "(?s).*\"unitId\":\"unit-n1\",\"model\":\"[^\"]*\",\"state\":\"IN_SESSION\".*"));
    }

    @Test
    void clinicStaffStreamsCarryTheirClinicsOnly() {
        var lines = read(TestTokens.clinicStaff("clinic-harbour"), null);

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).contains("\"type\":\"overview\""));
        var seen = joined(lines);
        assertTrue(seen.contains("clinic-harbour"), seen);
        assertTrue(!seen.contains("clinic-north") && !seen.contains("unit-n1"), seen);
    }

    @Test
    void pressuresGoOnlyToAStreamOpenedForThatClinicAndOnlyIfTheViewerMaySeeIt() {
        var northPage = read(TestTokens.operations(), "clinic-north");
        var fleetPage = read(TestTokens.operations(), null);
        var strangerPage = read(TestTokens.clinicStaff("clinic-harbour"), "clinic-north");
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(northPage).contains("\"type\":\"overview\"")
                && joined(fleetPage).contains("\"type\":\"overview\"") && joined(strangerPage).contains("\"type\":\"alarms\""));

        var now = Instant.now();
        live.onTelemetry(new FleetTelemetry(1, "clinic-north", now, new TelemetrySummary(1, "unit-n2", "s-42", now,
                List.of(new TelemetrySummary.ZoneSample(Leg.L, 1, 50, 48.5, 50.1), new TelemetrySummary.ZoneSample(Leg.L, 2, 45, 44.0, 45.2),
                        new TelemetrySummary.ZoneSample(Leg.R, 1, 50, 48.9, 50.3), new TelemetrySummary.ZoneSample(Leg.R, 2, 45, 43.7, 45.0)))));

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(northPage).contains("\"sessionId\":\"s-42\""));
        assertTrue(!joined(fleetPage).contains("s-42"), "the fleet page gets no pressures");
        assertTrue(!joined(strangerPage).contains("s-42"), "another clinic's staff get no pressures");
    }

    @Test
    void aPressureSampleForAClinicNotInFocusDoesNotEndTheStreamsThatDoNotShowIt() {
        // Until now a pressure sample for a clinic a stream was not opened for was mapped to null, which ended
        // every such stream (the overview, the other clinics' pages): the page then showed "reconnecting" for good.
        var fleetPage = read(TestTokens.operations(), null);
        var otherClinicPage = read(TestTokens.operations(), "clinic-harbour");
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(fleetPage).contains("\"type\":\"overview\"")
                && joined(otherClinicPage).contains("\"type\":\"overview\""));

        var now = Instant.now();
        live.onTelemetry(new FleetTelemetry(1, "clinic-north", now, new TelemetrySummary(1, "unit-n2", "s-77", now,
                List.of(new TelemetrySummary.ZoneSample(Leg.L, 1, 50, 48.5, 50.1), new TelemetrySummary.ZoneSample(Leg.R, 1, 50, 48.9, 50.3)))));
        live.onPresence(new UnitPresence(1, "unit-h1", "clinic-harbour", UnitState.FAULTED, 3, "2.1.0",
                Instant.now(), Instant.now()));

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(fleetPage).matches(
                "(?s).*\"unitId\":\"unit-h1\",\"model\":\"[^\"]*\",\"state\":\"FAULTED\".*")
                && joined(otherClinicPage).matches("(?s).*\"unitId\":\"unit-h1\",\"model\":\"[^\"]*\",\"state\":\"FAULTED\".*"));
        assertTrue(!joined(fleetPage).contains("s-77") && !joined(otherClinicPage).contains("s-77"));
    }

    @Test
    void everyEventOfAStreamCarriesTheNextIdSoAReaderCanTellNoneWentMissing() {
        var lines = read(TestTokens.operations(), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).contains("\"type\":\"today\""));
        live.onPresence(new UnitPresence(1, "unit-n1", "clinic-north", UnitState.OFFLINE, 9, "2.1.0",
                Instant.now(), Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().filter(line -> line.startsWith("id:")).count() >= 6);

        var ids = lines.stream().filter(line -> line.startsWith("id:")).map(line -> Long.parseLong(line.substring(3).trim())).toList();
        for (var i = 0; i < ids.size(); i++) {
            assertEquals(i + 1L, ids.get(i), "event ids " + ids);
        }
    }

    @Test
    void aRunningUnitsTileCarriesItsProgramIntensityPlannedTimeAndBooking() {
        var lines = read(TestTokens.operations(), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).contains("\"unitId\":\"unit-n2\""));

        var now = Instant.now();
        live.onEvent(FleetEvent.of("clinic-north", now, 9_000_001L, UnitEvent.of("unit-n2", 40, 8, now,
                new EventData.SessionStarted("unit-n2-8-40", ProgramMode.PERISTALTIC, 5, 5, 1200, "bk-77", "cmd-77"))));
        live.onPresence(new UnitPresence(1, "unit-n2", "clinic-north", UnitState.IN_SESSION, 8, "2.1.0", now, now));

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).matches(
                "(?s).*\"unitId\":\"unit-n2\",[^}]*\"state\":\"IN_SESSION\".*\"session\":\\{\"sessionId\":\"unit-n2-8-40\",\"mode\":\"PERISTALTIC\",\"intensity\":5,\"zonesPerLeg\":5,\"plannedSeconds\":1200,\"bookingId\":\"bk-77\".*"));
    }

    @Test
    void todaysBookingsAndUtilizationReachTheStreamForEachClinic() {
        // Today in clinic-north's own zone (Berlin): two bookings count, a cancelled one and yesterday's do not.
        var today = com.secondheart.dashboard.today.service.TodayService.localDay(java.time.ZoneId.of("Europe/Berlin"), Instant.now());
        var inside = today.start().plusSeconds(60);
        upstreams.booking().json("/bookings", """
                [{"bookingId":"b1","clinicId":"clinic-north","status":"COMPLETED","startsAt":"%s","endsAt":"%s"},
                 {"bookingId":"b2","clinicId":"clinic-north","status":"BOOKED","startsAt":"%s","endsAt":"%s"},
                 {"bookingId":"b3","clinicId":"clinic-north","status":"CANCELLED","startsAt":"%s","endsAt":"%s"},
                 {"bookingId":"b4","clinicId":"clinic-north","status":"COMPLETED","startsAt":"%s","endsAt":"%s"}]""".formatted(
                inside, inside.plusSeconds(1200), today.end().minusSeconds(1800), today.end().minusSeconds(600),
                inside.plusSeconds(3600), inside.plusSeconds(4800), today.start().minusSeconds(60), today.start().plusSeconds(1140)));
        upstreams.telemetry().json("/aggregates", "{\"rows\":[{\"key\":\"clinic-north\",\"sessions\":4,\"utilization\":0.25}]}");

        var lines = read(TestTokens.operations(), null);

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).contains(
                "{\"clinicId\":\"clinic-north\",\"bookings\":2,\"noShows\":0,\"utilization\":0.25}"));
    }

    @Test
    void eventsMissingAtTheGatewayReachTheAlarmFeedOfTheUnitsClinicInPlainWords() {
        upstreams.gateway().json("/events/missing", """
                [{"unitId":"unit-n1","clinicId":"clinic-north","journaledThrough":41,"highestSeq":44,"missing":3,
                  "since":"%s"}]""".formatted(Instant.now().minusSeconds(90)));

        var operations = read(TestTokens.operations(), null);
        var harbour = read(TestTokens.clinicStaff("clinic-harbour"), null);

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(operations).matches(
                "(?s).*\"alarmId\":\"events-missing:unit-n1:41\",\"kind\":\"EVENTS_MISSING\",\"clinicId\":\"clinic-north\","
                        + "\"unitId\":\"unit-n1\",\"code\":\"EVENTS_MISSING\",\"detail\":\"Up to 3 events after event 41.*"));
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(harbour).contains("\"type\":\"overview\""));
        assertTrue(!joined(harbour).contains("events-missing:unit-n1"), joined(harbour));

        upstreams.gateway().json("/events/missing", "[]");
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(operations).matches(
                "(?s).*\"alarmId\":\"events-missing:unit-n1:41\"[^}]*\"status\":\"RESOLVED\".*"));
    }

    @Test
    void aUnitThatLostItsStateAtTheGatewayReachesTheAlarmFeedOfItsClinicInPlainWords() {
        upstreams.gateway().json("/events/conflicts", """
                [{"unitId":"unit-n2","clinicId":"clinic-north","events":3,"firstSeq":1,"lastSeq":3,"bootSeq":1,
                  "journaledBootSeq":3,"since":"%s","lastAt":"%s"}]""".formatted(Instant.now().minusSeconds(30),
                Instant.now().minusSeconds(20)));

        var operations = read(TestTokens.operations(), null);
        var harbour = read(TestTokens.clinicStaff("clinic-harbour"), null);

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(operations).matches(
                "(?s).*\"alarmId\":\"unit-state-lost:unit-n2:1\",\"kind\":\"UNIT_STATE_LOST\",\"clinicId\":"
                        + "\"clinic-north\",\"unitId\":\"unit-n2\",\"code\":\"UNIT_STATE_LOST\",\"detail\":"
                        + "\"The unit lost its stored data.*numbered 3 events again.*"));
        await().atMost(Duration.ofSeconds(10)).until(() -> joined(harbour).contains("\"type\":\"overview\""));
        assertTrue(!joined(harbour).contains("unit-state-lost:unit-n2"), joined(harbour));
        upstreams.gateway().json("/events/conflicts", "[]");
    }

    private List<String> read(String token, String clinicId) {
        var lines = new CopyOnWriteArrayList<String>();
        var uri = clinicId == null ? stream : URI.create(stream + "?clinicId=" + clinicId);
        var request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token).GET().build();
        var response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        open.add(response);
        response.thenAcceptAsync(answer -> {
            try {
                answer.body().forEach(lines::add);
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        });
        return lines;
    }

    private static String joined(List<String> lines) {
        return String.join("\n", lines);
    }
}
