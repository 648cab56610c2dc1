package com.secondheart.dashboard.live;

import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.dashboard.overview.client.InjectUpstreams;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.overview.client.Upstreams;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.TelemetrySummary;
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
    void todaysBookingsAndUtilizationReachTheStreamForEachClinic() {
        upstreams.booking().json("/bookings", """
                [{"bookingId":"b1","clinicId":"clinic-north","status":"COMPLETED","startsAt":"2026-11-30T09:00:00Z","endsAt":"2026-11-30T09:20:00Z"},
                 {"bookingId":"b2","clinicId":"clinic-north","status":"BOOKED","startsAt":"2026-11-30T10:00:00Z","endsAt":"2026-11-30T10:20:00Z"},
                 {"bookingId":"b3","clinicId":"clinic-north","status":"CANCELLED","startsAt":"2026-11-30T11:00:00Z","endsAt":"2026-11-30T11:20:00Z"}]""");
        upstreams.telemetry().json("/aggregates", "{\"rows\":[{\"key\":\"clinic-north\",\"sessions\":4,\"utilization\":0.25}]}");

        var lines = read(TestTokens.operations(), null);

        await().atMost(Duration.ofSeconds(10)).until(() -> joined(lines).contains(
                "{\"clinicId\":\"clinic-north\",\"bookings\":2,\"noShows\":0,\"utilization\":0.25}"));
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
