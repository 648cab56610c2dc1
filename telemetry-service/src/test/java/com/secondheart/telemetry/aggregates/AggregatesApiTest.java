package com.secondheart.telemetry.aggregates;

import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.telemetry.testing.Api;
import com.secondheart.telemetry.testing.FleetBroker;
import com.secondheart.telemetry.testing.FleetEvents;
import com.secondheart.telemetry.testing.Outcomes;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/**
 * One clinic in Berlin, open Monday to Friday 08:00-20:00, ran four sessions on Tuesday 2026-11-24 on two units and
 * recorded four outcomes; the aggregates must say exactly that.
 */
@QuarkusTest
class AggregatesApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String CLINIC = "clinic-agg-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Instant NINE = Instant.parse("2026-11-24T09:00:00Z");
    private static boolean ready;
    private static FleetEvents unitA;
    private static FleetEvents unitB;

    @BeforeAll
    static void asOperations() {
        Api.actAsOperations();
    }

    @BeforeAll
    static void decimalsAsDoubles() {
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @AfterAll
    static void forgetToken() {
        Api.anonymous();
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig());
    }

    @BeforeEach
    void clinicRanSessionsAndRecordedOutcomes() {
        if (ready) {
            return;
        }
        var weekdays = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY").stream()
                .map(day -> Map.of("day", day, "opens", "08:00", "closes", "20:00")).toList();
        given().contentType(ContentType.JSON).body(Map.of("timeZone", "Europe/Berlin", "openingHours", weekdays))
                .when().put("/clinics/{id}/calendar", CLINIC).then().statusCode(200)
                .body("timeZone", equalTo("Europe/Berlin")).body("openingMinutes.TUESDAY", equalTo(720))
                .body("openingMinutes.SUNDAY", equalTo(0));
        unitA = FleetEvents.forNewUnitAt(CLINIC);
        unitB = FleetEvents.forNewUnitAt(CLINIC);
        var a1 = "s-" + UUID.randomUUID();
        var a2 = "s-" + UUID.randomUUID();
        var a3 = "s-" + UUID.randomUUID();
        var b1 = "s-" + UUID.randomUUID();
        try (var broker = FleetBroker.connect()) {
            broker.publish(unitA.started(a1, NINE, ProgramMode.GRADIENT_SEQUENTIAL, 1200));
            broker.publish(unitA.completed(a1, NINE.plusSeconds(1200), 1200));
            broker.publish(unitA.started(a2, NINE.plusSeconds(3600), ProgramMode.GRADIENT_SEQUENTIAL, 1200));
            broker.publish(unitA.completed(a2, NINE.plusSeconds(4800), 1200));
            broker.publish(unitA.started(a3, NINE.plusSeconds(7200), ProgramMode.PULSE, 1200));
            broker.publish(unitA.faulted(a3, NINE.plusSeconds(7500), 300));
            broker.publish(unitB.started(b1, NINE, ProgramMode.PERISTALTIC, 1800));
            broker.publish(unitB.completed(b1, NINE.plusSeconds(1800), 1800));
        }
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("clinicId", CLINIC)
                .when().get("/sessions/counts").then().statusCode(200)
                .body("completed", hasItem(2)).body("aborted", hasItem(1)).body("running", everyItem(equalTo(0))));
        Api.actAs(TestTokens.clinicStaff(CLINIC));
        try {
            for (var change : List.of(new double[]{30, 28.5}, new double[]{30, 29.6}, new double[]{30, 30}, new double[]{30, 27})) {
                given().contentType(ContentType.JSON).body(Outcomes.leftLeg(CLINIC, a1, change[0], change[1]))
                        .when().post("/outcomes").then().statusCode(201);
            }
        } finally {
            Api.actAsOperations();
        }
        ready = true;
    }

    private static io.restassured.specification.RequestSpecification day() {
        return given().queryParam("clinicId", CLINIC).queryParam("from", "2026-11-24").queryParam("to", "2026-11-24");
    }

    @Test
    void aPageNear2To31ADateAtTheEndOfTimeAndANulInAFilterAreBadRequestsNotServerErrors() {
        given().queryParam("page", Integer.MAX_VALUE).when().get("/sessions").then()
                .statusCode(400).contentType("application/problem+json");
        given().queryParam("page", Integer.MAX_VALUE).when().get("/outcomes").then()
                .statusCode(400).contentType("application/problem+json");
        for (var date : java.util.List.of("+999999999-12-31", "-999999999-01-01")) {
            given().queryParam("from", "2026-11-24").queryParam("to", date).when().get("/aggregates").then()
                    .statusCode(400).contentType("application/problem+json");
            given().queryParam("from", date).queryParam("to", "2026-11-24").when().get("/aggregates").then()
                    .statusCode(400).contentType("application/problem+json");
        }
        given().queryParam("clinicId", CLINIC + "\u0000").queryParam("from", "2026-11-24").queryParam("to", "2026-11-24")
                .when().get("/aggregates").then()
                .statusCode(org.hamcrest.Matchers.lessThan(500)).contentType("application/problem+json");
        given().queryParam("unitId", "u\u0000").when().get("/sessions").then()
                .statusCode(org.hamcrest.Matchers.lessThan(500)).contentType("application/problem+json");
    }

    @Test
    void aClinicsDayAddsUpItsSessionsRunMinutesUtilizationAndRates() {
        day().when().get("/aggregates").then()
                .statusCode(200)
                .body("clinicScope", equalTo("all"))
                .body("clinics[0].timeZone", equalTo("Europe/Berlin"))
                .body("rows", hasSize(1))
                .body("rows[0].sessions", equalTo(4))
                .body("rows[0].completed", equalTo(3))
                .body("rows[0].aborted", equalTo(1))
                .body("rows[0].faulted", equalTo(1))
                // 20 + 20 + 5 + 30 minutes over 2 units x 720 opening minutes
                .body("rows[0].runMinutes", equalTo(75.0))
                .body("rows[0].openingUnitMinutes", equalTo(1440.0))
                .body("rows[0].utilization", closeTo(0.0521, 0.0001))
                .body("rows[0].completionRate", equalTo(0.75))
                .body("rows[0].faultRate", equalTo(0.25));
    }

    @Test
    void theOutcomeDistributionGivesCountMeanMedianQuartilesAndShareMeaningful() {
        // percent changes -19, -9.75, -2.6489, 0 (cylinders: (after² - before²) / before²). Count, mean and share are
        // exact; quartiles come from 0.5-point bins, so they are within a quarter point of percentile_cont's
        // (median -6.1994, q1 -12.0625, q3 -1.9867).
        for (var unitFilter : new String[]{null, "unit"}) {
            var request = day();
            if (unitFilter != null) {
                request.queryParam("unitId", unitA.unitId());
            }
            request.when().get("/aggregates").then()
                    .statusCode(200)
                    .body("rows[0].outcomes.CIRCUMFERENCES.n", equalTo(4))
                    .body("rows[0].outcomes.CIRCUMFERENCES.mean", closeTo(-7.8497, 0.0002))
                    .body("rows[0].outcomes.CIRCUMFERENCES.median", closeTo(-6.1994, 0.25))
                    .body("rows[0].outcomes.CIRCUMFERENCES.q1", closeTo(-12.0625, 0.25))
                    .body("rows[0].outcomes.CIRCUMFERENCES.q3", closeTo(-1.9867, 0.25))
                    .body("rows[0].outcomes.CIRCUMFERENCES.iqr", closeTo(10.0758, 0.5))
                    .body("rows[0].outcomes.CIRCUMFERENCES.shareMeaningful", equalTo(0.5));
        }
    }

    @Test
    void theFleetWideDistributionAgreesWithTheSumOfTheClinics() {
        var fleet = given().queryParam("from", "2026-11-24").queryParam("to", "2026-11-24")
                .when().get("/aggregates").then().statusCode(200)
                .extract().jsonPath().getInt("rows[0].outcomes.CIRCUMFERENCES.n");
        var perClinic = given().queryParam("from", "2026-11-24").queryParam("to", "2026-11-24").queryParam("groupBy", "clinic")
                .when().get("/aggregates").then().statusCode(200)
                .extract().jsonPath().getList("rows.outcomes.CIRCUMFERENCES.n", Integer.class);
        org.junit.jupiter.api.Assertions.assertEquals(fleet,
                perClinic.stream().filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).sum());
        org.hamcrest.MatcherAssert.assertThat(fleet, org.hamcrest.Matchers.greaterThanOrEqualTo(4));
    }

    @Test
    void theSameFiguresGroupByUnitAndByProgram() {
        day().queryParam("groupBy", "program").when().get("/aggregates").then()
                .statusCode(200)
                .body("rows.key", contains("GRADIENT_SEQUENTIAL", "PERISTALTIC", "PULSE"))
                .body("rows.sessions", contains(2, 1, 1));
        day().queryParam("groupBy", "unit").when().get("/aggregates").then()
                .statusCode(200)
                .body("rows", hasSize(2))
                .body("rows.find { it.key == '%s' }.runMinutes".formatted(unitB.unitId()), equalTo(30.0))
                .body("rows.find { it.key == '%s' }.openingUnitMinutes".formatted(unitB.unitId()), equalTo(720.0));
        day().queryParam("unitId", unitA.unitId()).when().get("/aggregates").then()
                .statusCode(200)
                .body("rows[0].sessions", equalTo(3))
                .body("rows[0].utilization", closeTo(45.0 / 720, 0.0001));
    }

    @Test
    void analystsGetTheSameRowsAsCsv() {
        var csv = day().queryParam("groupBy", "clinic").when().get("/aggregates/export.csv").then()
                .statusCode(200)
                .contentType(startsWith("text/csv"))
                .extract().asString();
        var lines = csv.split("\r\n");
        org.hamcrest.MatcherAssert.assertThat(lines[0], startsWith("from,to,group_by,group,sessions,completed,aborted,faulted"));
        org.hamcrest.MatcherAssert.assertThat(lines[1], startsWith("2026-11-24,2026-11-24,clinic," + CLINIC + ",4,3,1,1,0,75.0,1440.0,0.0521,0.75,0.25,4,"));
    }

    @Test
    void clinicStaffAskingForTheFleetGetTheirOwnClinicsOnly() {
        given().header("Authorization", TestTokens.bearer(TestTokens.clinicStaff(CLINIC)))
                .queryParam("from", "2026-11-24").queryParam("to", "2026-11-24").queryParam("groupBy", "clinic")
                .when().get("/aggregates").then()
                .statusCode(200)
                .body("clinicScope", equalTo("caller"))
                .body("rows.key", contains(CLINIC));
        given().header("Authorization", TestTokens.bearer(TestTokens.clinicStaff(CLINIC)))
                .queryParam("clinicId", "clinic-elsewhere")
                .when().get("/aggregates").then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void aClinicWithoutACalendarIsCountedInUtcAndSaysSo() {
        var unit = FleetEvents.forNewUnit();
        var session = "s-" + UUID.randomUUID();
        var lateEvening = Instant.parse("2026-11-24T23:30:00Z");
        try (var broker = FleetBroker.connect()) {
            broker.publish(unit.started(session, lateEvening, ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        }
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("clinicId", unit.clinicId())
                .queryParam("from", "2026-11-24").queryParam("to", "2026-11-24")
                .when().get("/aggregates").then().statusCode(200)
                .body("rows[0].sessions", equalTo(1))
                .body("rows[0].utilization", equalTo(null))
                .body("clinics[0].timeZone", equalTo("UTC"))
                .body("clinics[0].calendarKnown", equalTo(false))
                .body("notes[0]", containsString("counted in UTC")));

        given().contentType(ContentType.JSON).body(Map.of("timeZone", "Europe/Berlin", "openingHours", List.of()))
                .when().put("/clinics/{id}/calendar", unit.clinicId()).then().statusCode(200);

        // 23:30 UTC is 00:30 the next day in Berlin: the session moves to the 25th.
        given().queryParam("clinicId", unit.clinicId()).queryParam("from", "2026-11-25").queryParam("to", "2026-11-25")
                .when().get("/aggregates").then().statusCode(200).body("rows[0].sessions", equalTo(1));
        given().queryParam("clinicId", unit.clinicId()).queryParam("from", "2026-11-24").queryParam("to", "2026-11-24")
                .when().get("/aggregates").then().statusCode(200).body("rows[0].sessions", equalTo(0));
    }

    @Test
    void aBackwardsOrOverlongRangeIsRefused() {
        given().queryParam("from", "2026-11-24").queryParam("to", "2026-11-01").when().get("/aggregates").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("to (2026-11-01) is before from (2026-11-24)."));
        given().queryParam("from", "2020-01-01").queryParam("to", "2026-11-01").when().get("/aggregates").then()
                .statusCode(400).body("detail", containsString("at most 400 are allowed"));
        given().queryParam("from", "yesterday").when().get("/aggregates").then()
                .statusCode(400).body("detail", equalTo("from must be a date such as 2026-11-24."));
        given().queryParam("groupBy", "planet").when().get("/aggregates").then()
                .statusCode(400).body("detail", containsString("groupBy must be none, clinic, unit, program or day"));
    }
}
