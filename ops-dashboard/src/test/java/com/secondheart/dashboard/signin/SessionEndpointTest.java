package com.secondheart.dashboard.signin;

import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.signin.service.SignInService;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class SessionEndpointTest {

    @Test
    void theRightPasswordAnswersAnEightHourTokenThatOpensTheOverview() {
        var answer = signIn(TestUsers.OPS, TestUsers.password(TestUsers.OPS));

        assertThat(answer.getString("user.name"), is("ops"));
        assertThat(answer.getList("user.roles"), contains("operations"));
        assertThat(answer.getList("user.clinics"), empty());
        var expiresIn = Duration.between(Instant.now(), Instant.parse(answer.getString("expiresAt")));
        assertThat(expiresIn.toMinutes(), greaterThan(7 * 60L + 55));
        assertThat(expiresIn.toMinutes(), lessThan(8 * 60L + 1));

        given().auth().oauth2(answer.getString("token")).when().get("/api/overview")
                .then().statusCode(200).body("clinics.clinicId", contains("clinic-harbour", "clinic-north", "clinic-popup"));
    }

    @Test
    void theTokenNamesThePeopleKeyTheIssuerTheAudienceTheUserTheRoleAndTheClinics() {
        var token = signIn(TestUsers.HARBOUR_DESK, TestUsers.password(TestUsers.HARBOUR_DESK)).getString("token");

        var claims = new JsonPath(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.getString("iss"), is(TestTokens.ISSUER));
        assertThat(claims.getString("aud"), is(TestTokens.PEOPLE_AUDIENCE));
        var header = new JsonPath(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
        assertThat("signed with the people key", header.getString("kid"), is(TestTokens.PEOPLE_KID));
        assertThat(claims.getString("upn"), is("harbour.desk"));
        assertThat(claims.getList("groups"), contains("clinic-staff"));
        assertThat(claims.getList("clinics"), contains("clinic-harbour"));
    }

    @Test
    void clinicStaffSignedInWithAPasswordSeeOnlyTheirClinic() {
        var token = signIn(TestUsers.HARBOUR_DESK, TestUsers.password(TestUsers.HARBOUR_DESK)).getString("token");

        given().auth().oauth2(token).when().get("/api/overview")
                .then().statusCode(200)
                .body("clinics.clinicId", contains("clinic-harbour"))
                .body("fleet.units", is(1));
        given().auth().oauth2(token).when().get("/api/session")
                .then().statusCode(200).body("name", is("harbour.desk")).body("clinics", contains("clinic-harbour"));
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameUnauthorizedProblem() {
        var wrongPassword = refused(TestUsers.OPS, "not-the-password");
        var unknownUser = refused("nobody-by-this-name", "not-the-password");

        assertThat(wrongPassword, equalTo(unknownUser));
        assertThat(wrongPassword.get("detail"), is(SignInService.WRONG_CREDENTIALS));
    }

    @Test
    void aUsersFileLineWithARoleTheDashboardDoesNotServeCannotSignIn() {
        refused("robot", "robot" + TestUsers.PASSWORD_SUFFIX);
    }

    @Test
    void aMissingPasswordIsABadRequest() {
        given().contentType(ContentType.JSON).body(Map.of("username", "ops"))
                .when().post("/api/session")
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("detail", is("Give both a username and a password."));
    }

    @Test
    void thePageIsToldThatPasswordSignInIsOn() {
        given().when().get("/api/page-config").then().statusCode(200).body("signInEnabled", is(true));
    }

    @Test
    void guessingAPasswordIsAnswered429WithRetryAfterBeforeAnyPasswordIsChecked() {
        // an account of its own, so that no other test's sign-ins from this address wait behind it
        var guessed = "guessed-" + java.util.UUID.randomUUID();
        for (int i = 0; i < 6; i++) {
            refused(guessed, "guess-" + i); // five free failures, the sixth starts the wait
        }
        var throttled = given().contentType(ContentType.JSON).body(Map.of("username", guessed, "password", "guess-6"))
                .when().post("/api/session")
                .then().statusCode(429).contentType(startsWith("application/problem+json"))
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"))
                .body("status", is(429))
                .extract().jsonPath();
        assertThat(throttled.getString("detail"), startsWith("Too many failed sign-ins"));
        // the other accounts at this address still sign in
        signIn(TestUsers.OPS, TestUsers.password(TestUsers.OPS));
    }

    private static JsonPath signIn(String username, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .when().post("/api/session")
                .then().statusCode(200).contentType("application/json")
                .extract().jsonPath();
    }

    private static Map<String, Object> refused(String username, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .when().post("/api/session")
                .then().statusCode(401).contentType(startsWith("application/problem+json"))
                .extract().jsonPath().getMap("");
    }
}
