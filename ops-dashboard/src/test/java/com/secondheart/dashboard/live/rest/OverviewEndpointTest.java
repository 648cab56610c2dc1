package com.secondheart.dashboard.live.rest;

import com.secondheart.dashboard.overview.client.FleetFixture;
import com.secondheart.dashboard.overview.client.InjectUpstreams;
import com.secondheart.dashboard.overview.client.StubServer;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.overview.client.Upstreams;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.MatcherAssert.assertThat;

@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class OverviewEndpointTest {

    @InjectUpstreams
    Upstreams upstreams;

    private final CountDownLatch releaseSlowTelemetry = new CountDownLatch(1);

    @BeforeEach
    void serveTheStandardFleet() {
        upstreams.serveStandardFleet();
    }

    @AfterEach
    void releaseAnyHeldRequest() {
        releaseSlowTelemetry.countDown();
    }

    @Test
    void theOverviewMergesClinicsUnitsAndSessionCounts() {
        var overview = overview();

        assertThat(overview.getList("clinics.clinicId"), contains("clinic-harbour", "clinic-north", "clinic-popup"));
        assertThat(overview.getString("generatedAt"), notNullValue());

        var north = "clinics.find { it.clinicId == 'clinic-north' }";
        assertThat(overview.getString(north + ".name"), equalTo("North Recovery"));
        assertThat(overview.getString(north + ".timeZone"), equalTo("Europe/Berlin"));
        assertThat(overview.getList(north + ".units.unitId"), contains("unit-n1", "unit-n2", "unit-n10"));
        assertThat(overview.getList(north + ".units.state"), contains("ONLINE", "IN_SESSION", "FAULTED"));

        var n1 = north + ".units.find { it.unitId == 'unit-n1' }";
        assertThat(overview.getString(n1 + ".model"), equalTo("SH-Boot 5"));
        assertThat(overview.getString(n1 + ".firmware"), equalTo("2.1.0"));
        assertThat(overview.getString(n1 + ".lastSeen"), equalTo("2025-03-03T10:06:30Z"));
        assertThat(overview.getInt(n1 + ".completedSessions"), is(12));
        assertThat(overview.getInt(n1 + ".abortedSessions"), is(1));
        assertThat(overview.getInt(n1 + ".runningSessions"), is(0));
        assertThat(overview.getString(n1 + ".lastSessionEndedAt"), equalTo("2025-03-03T09:40:00Z"));

        var n10 = north + ".units.find { it.unitId == 'unit-n10' }";
        assertThat("a unit without sessions has zero, not unknown", overview.getInt(n10 + ".completedSessions"), is(0));
        assertThat(overview.getString(n10 + ".lastSessionEndedAt"), nullValue());

        assertThat("the clinic's totals include the unit that moved away",
                overview.getInt(north + ".totals.completedSessions"), is(12 + 7 + 3));
        assertThat(overview.getInt(north + ".totals.abortedSessions"), is(1 + 2));
        assertThat(overview.getInt(north + ".totals.runningSessions"), is(1));
        assertThat(overview.getString(north + ".totals.lastSessionEndedAt"), equalTo("2025-03-03T10:05:00Z"));
        assertThat(overview.getInt(north + ".totals.units"), is(3));
        assertThat(overview.getInt(north + ".totals.byState.ONLINE"), is(1));
        assertThat(overview.getInt(north + ".totals.byState.IN_SESSION"), is(1));
        assertThat(overview.getInt(north + ".totals.byState.FAULTED"), is(1));
        assertThat(overview.getInt(north + ".totals.byState.OFFLINE"), is(0));

        assertThat(overview.getInt("fleet.clinics"), is(3));
        assertThat(overview.getInt("fleet.units"), is(5));
        assertThat(overview.getInt("fleet.byState.ONLINE"), is(2));
        assertThat(overview.getInt("fleet.byState.OFFLINE"), is(1));
        assertThat(overview.getInt("fleet.completedSessions"), is(22 + 4));

        assertThat(overview.getString("sources.booking"), equalTo("ok"));
        assertThat(overview.getString("sources.gateway"), equalTo("ok"));
        assertThat(overview.getString("sources.telemetry"), equalTo("ok"));
    }

    @Test
    void decommissionedUnitsAreLeftOut() {
        assertThat(overview().getList("clinics.units.flatten().unitId"), everyItem(not("unit-old")));
    }

    @Test
    void unitsOfAClinicThatBookingDoesNotKnowAppearUnderTheirClinicId() {
        var overview = overview();

        var popup = "clinics.find { it.clinicId == 'clinic-popup' }";
        assertThat(overview.getString(popup + ".name"), nullValue());
        assertThat(overview.getString(popup + ".timeZone"), nullValue());
        assertThat(overview.getList(popup + ".units.unitId"), contains("unit-x1"));
        assertThat(overview.getInt(popup + ".units[0].completedSessions"), is(0));
    }

    @Test
    void everyPageOfUnitsIsReadFromTheGateway() {
        overview();

        assertThat(upstreams.gateway().requests().stream().filter(request -> request.startsWith("/units")).toList(),
                contains("/units?page=0&size=2", "/units?page=1&size=2", "/units?page=2&size=2", "/units?page=3&size=2"));
    }

    @Test
    void telemetryIsAskedForTheCountsOfEveryClinicBookingOrTheGatewayNames() {
        overview();

        assertThat(upstreams.telemetry().requests(), hasItems(
                "/sessions/counts?clinicId=clinic-north", "/sessions/counts?clinicId=clinic-harbour", "/sessions/counts?clinicId=clinic-popup"));
    }

    @Test
    void withTelemetryDownTheOverviewStillAnswersWithUnitsAndTelemetryUnavailable() {
        upstreams.telemetry().stop();

        var overview = awaitOverview(o -> "unavailable".equals(o.getString("sources.telemetry")));

        assertThat(overview.getString("sources.booking"), equalTo("ok"));
        assertThat(overview.getString("sources.gateway"), equalTo("ok"));
        var north = "clinics.find { it.clinicId == 'clinic-north' }";
        assertThat(overview.getList(north + ".units.unitId"), contains("unit-n1", "unit-n2", "unit-n10"));
        assertThat(overview.getList(north + ".units.state"), contains("ONLINE", "IN_SESSION", "FAULTED"));
        assertThat("counts are unknown, not zero", overview.getList(north + ".units.completedSessions"), everyItem(nullValue()));
        assertThat(overview.getString(north + ".totals.completedSessions"), nullValue());
        assertThat(overview.getInt("fleet.units"), is(5));
        assertThat(overview.getString("fleet.completedSessions"), nullValue());
    }

    @Test
    void aTelemetryServiceThatAnswersTooSlowlyIsMarkedUnavailableWithinTheDeadline() {
        upstreams.telemetry().route("/sessions/counts", query -> new StubServer.Answer(200, "[]", this::holdUntilReleased));

        long started = System.nanoTime();
        var overview = overview();
        var took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(overview.getString("sources.telemetry"), equalTo("unavailable"));
        assertThat(overview.getList("clinics.clinicId"), contains("clinic-harbour", "clinic-north", "clinic-popup"));
        assertThat("answered within the %test deadline of 4 s, with room", took, lessThan(Duration.ofSeconds(6)));
    }

    @Test
    void telemetryThatFailsForOneClinicKeepsTheCountsOfTheOthers() {
        upstreams.telemetry().route("/sessions/counts", query -> "clinic-harbour".equals(query.get("clinicId"))
                ? new StubServer.Answer(500, "{\"status\":500}", () -> { })
                : StubServer.Answer.json(FleetFixture.NORTH_COUNTS));

        var overview = overview();

        assertThat(overview.getString("sources.telemetry"), equalTo("unavailable"));
        assertThat(overview.getInt("clinics.find { it.clinicId == 'clinic-north' }.totals.completedSessions"), is(22));
        assertThat(overview.getString("clinics.find { it.clinicId == 'clinic-harbour' }.totals.completedSessions"), nullValue());
        assertThat(overview.getInt("fleet.completedSessions"), is(22));
    }

    @Test
    void withBookingDownClinicsStillAppearUnderTheirIdsWithTheirUnits() {
        upstreams.booking().stop();

        var overview = awaitOverview(o -> "unavailable".equals(o.getString("sources.booking")));

        assertThat(overview.getList("clinics.clinicId"), contains("clinic-harbour", "clinic-north", "clinic-popup"));
        assertThat(overview.getList("clinics.name"), everyItem(nullValue()));
        assertThat(overview.getList("clinics.find { it.clinicId == 'clinic-north' }.units.unitId"), contains("unit-n1", "unit-n2", "unit-n10"));
        assertThat(overview.getInt("clinics.find { it.clinicId == 'clinic-north' }.totals.completedSessions"), is(22));
    }

    @Test
    void withTheGatewayDownUnitsAreListedFromTheirSessionRecordsInAnUnknownState() {
        upstreams.gateway().stop();

        var overview = awaitOverview(o -> "unavailable".equals(o.getString("sources.gateway")));

        assertThat(overview.getList("clinics.clinicId"), contains("clinic-harbour", "clinic-north"));
        var north = "clinics.find { it.clinicId == 'clinic-north' }";
        assertThat(overview.getList(north + ".units.unitId"), contains("unit-moved", "unit-n1", "unit-n2"));
        assertThat(overview.getList(north + ".units.state"), everyItem(equalTo("UNKNOWN")));
        assertThat(overview.getInt(north + ".units.find { it.unitId == 'unit-n1' }.completedSessions"), is(12));
        assertThat(overview.getInt("fleet.byState.UNKNOWN"), is(4));
    }

    @Test
    void withEveryServiceDownTheOverviewStillAnswersAndSaysSo() {
        upstreams.booking().stop();
        upstreams.gateway().stop();
        upstreams.telemetry().stop();

        var overview = awaitOverview(o -> "unavailable".equals(o.getString("sources.telemetry")));

        assertThat(overview.getList("clinics"), empty());
        assertThat(overview.getString("sources.booking"), equalTo("unavailable"));
        assertThat(overview.getString("sources.gateway"), equalTo("unavailable"));
        assertThat(overview.getInt("fleet.units"), is(0));
    }

    @Test
    void anUpstreamThatAnswersWithAProblemIsUnavailableNotAnError() {
        upstreams.gateway().route("/units", query -> new StubServer.Answer(503,
                "{\"type\":\"about:blank\",\"title\":\"Service unavailable\",\"status\":503,\"detail\":\"Starting.\"}", () -> { }));

        var overview = overview();

        assertThat(overview.getString("sources.gateway"), equalTo("unavailable"));
        assertThat(overview.getList("clinics.clinicId"), contains("clinic-harbour", "clinic-north"));
    }

    private static JsonPath overview() {
        return given().accept("application/json").auth().oauth2(TestTokens.operations())
                .when().get("/api/overview")
                .then().statusCode(200).contentType("application/json")
                .extract().jsonPath();
    }

    private static JsonPath awaitOverview(Predicate<JsonPath> condition) {
        var holder = new JsonPath[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            holder[0] = overview();
            return condition.test(holder[0]);
        });
        return holder[0];
    }

    private void holdUntilReleased() {
        try {
            releaseSlowTelemetry.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
