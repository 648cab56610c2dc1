package com.secondheart.dashboard.security;

import com.secondheart.dashboard.overview.client.InjectUpstreams;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.overview.client.Upstreams;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every dashboard endpoint against every kind of caller: no token, an expired one, one signed by a stranger, a valid one
 * with no dashboard role, another service's, and the three people's roles.
 */
@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class DashboardRoleMatrixTest {

    @InjectUpstreams
    Upstreams upstreams;

    @TestHTTPResource("/api/stream")
    URI stream;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void serveTheStandardFleet() {
        upstreams.serveStandardFleet();
    }

    record Caller(String name, Supplier<String> token, int expected) {
        @Override
        public String toString() {
            return name + " → " + expected;
        }
    }

    static Stream<Caller> callers() {
        return Stream.of(
                new Caller("no token", () -> null, 401),
                new Caller("an expired token", TestTokens::expired, 401),
                new Caller("a token signed by a stranger", TestTokens::signedByStranger, 401),
                new Caller("a token without a dashboard role", TestTokens::noRole, 403),
                new Caller("another service", TestTokens::service, 403),
                new Caller("operations", TestTokens::operations, 200),
                new Caller("clinic staff", () -> TestTokens.clinicStaff("clinic-harbour"), 200),
                new Caller("a fleet admin", TestTokens::fleetAdmin, 200));
    }

    static Stream<Arguments> readEndpointsByCaller() {
        return Stream.of("/api/overview", "/api/alarms", "/api/session", "/api/outcomes?clinicId=clinic-harbour")
                .flatMap(path -> callers().map(caller -> Arguments.of(path, caller)));
    }

    @ParameterizedTest(name = "GET {0} by {1}")
    @MethodSource("readEndpointsByCaller")
    void eachReadEndpointAnswersEachCallerAsItsRoleAllows(String path, Caller caller) {
        var response = as(caller).when().get(path).then().statusCode(caller.expected());
        if (caller.expected() != 200) {
            response.contentType(startsWith("application/problem+json")).body("status", is(caller.expected()));
        }
    }

    @ParameterizedTest(name = "the live stream by {0}")
    @MethodSource("callers")
    void theLiveStreamAnswersEachCallerAsItsRoleAllows(Caller caller) throws Exception {
        var request = HttpRequest.newBuilder(stream).timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream").GET();
        var token = caller.token().get();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (var body = response.body()) {
            assertEquals(caller.expected(), response.statusCode());
            if (caller.expected() == 200) {
                assertThat(response.headers().firstValue("Content-Type").orElse(""), startsWith("text/event-stream"));
            }
        }
    }

    @ParameterizedTest(name = "acknowledging an alarm by {0}")
    @MethodSource("callers")
    void acknowledgingAnAlarmAnswersEachCallerAsItsRoleAllows(Caller caller) {
        var alarmId = harbourOfflineAlarmId();

        as(caller).contentType(ContentType.JSON).body(Map.of("note", "on it"))
                .when().post("/api/alarms/{id}/acknowledge", alarmId)
                .then().statusCode(caller.expected());
    }

    @ParameterizedTest(name = "the emergency-stop button by {0}")
    @MethodSource("callers")
    void theEmergencyStopButtonIsForFleetAdminsAndClinicStaffAndGoesToTheGatewayAsThem(Caller caller) {
        upstreams.gateway().json("/units/unit-h1/commands",
                "{\"commandId\":\"cmd-stop-1\",\"unitId\":\"unit-h1\",\"type\":\"emergency-stop\",\"state\":\"SENT\"}");
        // operations watch the fleet and command no unit
        var expected = caller.name().equals("operations") ? 403 : caller.expected() == 200 ? 202 : caller.expected();

        var token = caller.token().get(); // once: each call signs a new one
        var request = token == null ? given() : given().auth().oauth2(token);
        var response = request.when().post("/api/units/{id}/emergency-stop", "unit-h1").then().statusCode(expected);

        if (expected == 202) {
            response.body("commandId", is("cmd-stop-1"));
            assertThat(upstreams.gateway().authorizations(),
                    org.hamcrest.Matchers.hasItem("POST /units/unit-h1/commands -> Bearer " + token));
        } else {
            response.contentType(startsWith("application/problem+json"));
        }
    }

    @Test
    void anEmergencyStopTheGatewayCannotTakeSaysPlainlyThatItWasNotSent() {
        // a failing gateway rather than a stopped one: the stubs serve every test class of this Quarkus app
        upstreams.gateway().route("/units/unit-h1/commands",
                query -> new com.secondheart.dashboard.overview.client.StubServer.Answer(500, "{}", () -> { }));

        given().auth().oauth2(TestTokens.fleetAdmin()).when().post("/api/units/{id}/emergency-stop", "unit-h1")
                .then().statusCode(503).contentType(startsWith("application/problem+json"))
                .body("detail", org.hamcrest.Matchers.containsString("NOT sent"));
    }

    @Test
    void clinicStaffGetTheSameRefusalForAnotherClinicsAlarmAndForOneThatDoesNotExist() {
        var north = TestTokens.clinicStaff("clinic-north");

        var othersAlarm = given().auth().oauth2(north).contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/alarms/{id}/acknowledge", harbourOfflineAlarmId())
                .then().statusCode(403).extract().asString();
        var noSuchAlarm = given().auth().oauth2(north).contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/alarms/{id}/acknowledge", "offline:unit-nowhere:1")
                .then().statusCode(403).extract().asString();

        assertThat(othersAlarm, equalTo(noSuchAlarm));
    }

    @Test
    void clinicStaffGetTheSameRefusalForAnotherClinicsOutcomesAndForAClinicThatDoesNotExist() {
        var north = TestTokens.clinicStaff("clinic-north");

        var othersClinic = given().auth().oauth2(north).when().get("/api/outcomes?clinicId=clinic-harbour")
                .then().statusCode(403).extract().asString();
        var noSuchClinic = given().auth().oauth2(north).when().get("/api/outcomes?clinicId=clinic-nowhere")
                .then().statusCode(403).extract().asString();

        assertThat(othersClinic, equalTo(noSuchClinic));
    }

    @Test
    void clinicStaffSeeTheAlarmsOfTheirClinicsOnly() {
        given().auth().oauth2(TestTokens.clinicStaff("clinic-north")).when().get("/api/alarms")
                .then().statusCode(200).body("clinicId", not(org.hamcrest.Matchers.hasItem("clinic-harbour")));
        given().auth().oauth2(TestTokens.clinicStaff("clinic-harbour")).when().get("/api/alarms")
                .then().statusCode(200).body("unitId", org.hamcrest.Matchers.hasItem("unit-h1"));
    }

    @Test
    void thePageItsConfigurationAndSigningInNeedNoToken() {
        given().when().get("/").then().statusCode(200);
        given().when().get("/app.js").then().statusCode(200);
        given().when().get("/api/page-config").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("username", "ops", "password", "wrong"))
                .when().post("/api/session").then().statusCode(401);
        given().when().get("/q/health/live").then().statusCode(200);
    }

    private static String harbourOfflineAlarmId() {
        return given().auth().oauth2(TestTokens.operations()).when().get("/api/alarms")
                .then().statusCode(200)
                .extract().jsonPath().getString("find { it.unitId == 'unit-h1' && it.kind == 'OFFLINE' }.alarmId");
    }

    private static RequestSpecification as(Caller caller) {
        var token = caller.token().get();
        return token == null ? given() : given().auth().oauth2(token);
    }
}
