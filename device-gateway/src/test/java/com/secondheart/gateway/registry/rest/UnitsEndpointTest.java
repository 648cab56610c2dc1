package com.secondheart.gateway.registry.rest;

import org.junit.jupiter.api.BeforeEach;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class UnitsEndpointTest {

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "sh.db.host")
    String dbHost;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "sh.db.port")
    int dbPort;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "sh.db.name")
    String dbName;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "sh.db.user")
    String dbUser;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "sh.db.password")
    java.util.Optional<String> dbPassword;

    private String storedPasswordHash(String unitId) {
        var url = "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + dbName;
        try (var connection = java.sql.DriverManager.getConnection(url, dbUser, dbPassword.orElse(""));
             var statement = connection.prepareStatement("SELECT mqtt_password_hash FROM units WHERE unit_id = ?")) {
            statement.setString(1, unitId);
            try (var rows = statement.executeQuery()) {
                org.junit.jupiter.api.Assertions.assertTrue(rows.next(), "the unit's row");
                return rows.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static Map<String, Object> unit(String unitId, String clinicId) {
        var body = new HashMap<String, Object>();
        body.put("unitId", unitId);
        body.put("clinicId", clinicId);
        body.put("model", "SH-Boot-5");
        body.put("zonesPerLeg", 5);
        body.put("firmware", "1.4.0");
        return body;
    }

    @Test
    void aPageNumberThatIsNotANumberIsABadRequestWhileAnUnknownAddressStaysNotFound() {
        given().get("/units?page=abc").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("A query or path parameter has a value of the wrong type."));
        given().get("/no-such-address").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aRegisteredUnitGetsItsMqttCredentialsOnceAndIsListedOfflineInItsClinic() {
        var unitId = FakeUnit.newUnitId("reg");
        var clinicId = FakeUnit.newUnitId("clinic");

        var password = given().contentType(ContentType.JSON).body(unit(unitId, clinicId))
                .post("/units")
                .then().statusCode(201)
                .header("Location", containsString("/units/" + unitId))
                .body("unitId", equalTo(unitId))
                .body("clinicId", equalTo(clinicId))
                .body("model", equalTo("SH-Boot-5"))
                .body("zonesPerLeg", equalTo(5))
                .body("firmware", equalTo("1.4.0"))
                .body("active", equalTo(true))
                .body("state", equalTo("OFFLINE"))
                .body("mqttUsername", equalTo(unitId))
                .body("mqttPassword", notNullValue())
                .extract().<String>path("mqttPassword");
        org.junit.jupiter.api.Assertions.assertTrue(password.length() >= 40, "a long random password");
        // stored only as a salted SHA-256 of the generated secret (MachineSecretHash), which the broker checks
        var stored = storedPasswordHash(unitId);
        org.junit.jupiter.api.Assertions.assertTrue(stored.startsWith("SHA256$"), stored);
        org.junit.jupiter.api.Assertions.assertFalse(stored.contains(password));
        org.junit.jupiter.api.Assertions.assertTrue(com.secondheart.credentials.MachineSecretHash.matches(password, stored));
        org.junit.jupiter.api.Assertions.assertFalse(com.secondheart.credentials.MachineSecretHash.matches(password + "x", stored));

        given().get("/units/{id}", unitId)
                .then().statusCode(200)
                .body("unitId", equalTo(unitId))
                .body("state", equalTo("OFFLINE"))
                .body("bootSeq", equalTo(0))
                .body("lastSeen", nullValue())
                .body("stateSince", notNullValue())
                .body("mqttPassword", nullValue());

        given().queryParam("clinicId", clinicId).get("/units")
                .then().statusCode(200)
                .body("unitId", equalTo(java.util.List.of(unitId)));
    }

    @Test
    void listingFiltersByClinicAndStateAndPagesInUnitIdOrder() {
        var clinicId = FakeUnit.newUnitId("clinic");
        for (var suffix : new String[] {"c", "a", "b"}) {
            Gateway.register(clinicId + "-unit-" + suffix, clinicId);
        }

        given().queryParam("clinicId", clinicId).queryParam("size", 2).get("/units")
                .then().statusCode(200)
                .body("unitId", equalTo(java.util.List.of(clinicId + "-unit-a", clinicId + "-unit-b")));
        given().queryParam("clinicId", clinicId).queryParam("size", 2).queryParam("page", 1).get("/units")
                .then().statusCode(200)
                .body("unitId", equalTo(java.util.List.of(clinicId + "-unit-c")));
        given().queryParam("clinicId", clinicId).queryParam("state", "ONLINE").get("/units")
                .then().statusCode(200)
                .body("$", hasSize(0));
        given().queryParam("clinicId", clinicId).queryParam("state", "offline").get("/units")
                .then().statusCode(200)
                .body("$", hasSize(3))
                .body("state", everyItem(equalTo("OFFLINE")));
    }

    @Test
    void aRegistrationWithoutAClinicIsRefusedWithAProblemNamingTheField() {
        var body = unit(FakeUnit.newUnitId("reg"), "x");
        body.remove("clinicId");

        given().contentType(ContentType.JSON).body(body)
                .post("/units")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", notNullValue())
                .body("detail", containsString("clinicId is required"))
                .body("errors.field", hasItem("clinicId"))
                .body(not(containsString("Exception")));
    }

    @Test
    void aRegistrationWithTwelveZonesPerLegIsRefused() {
        var body = unit(FakeUnit.newUnitId("reg"), "clinic-a");
        body.put("zonesPerLeg", 12);

        given().contentType(ContentType.JSON).body(body)
                .post("/units")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("zonesPerLeg must be between 2 and 8"));
    }

    @Test
    void aUnitIdThatCannotAppearInATopicIsRefused() {
        given().contentType(ContentType.JSON).body(unit("unit/+/#", "clinic-a"))
                .post("/units")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("unitId must be 1-64 letters"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"device-gateway", "device-gateway-0", "telemetry-service",
            "booking-service-1", "ops-dashboard", "observer", "admin", "device-gateway-accounts"})
    void aUnitIdReservedForABrokerAccountIsAConflict(String unitId) {
        given().contentType(ContentType.JSON).body(unit(unitId, "clinic-a"))
                .post("/units")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("is reserved for the broker account"));
        given().get("/units/{id}", unitId).then().statusCode(404);
    }

    @Test
    void aPageNear2To31AndANulInATextFieldAreBadRequestsNotServerErrors() {
        given().queryParam("page", Integer.MAX_VALUE).queryParam("size", 200).get("/units")
                .then().statusCode(400).contentType("application/problem+json");
        given().queryParam("page", 21_474_837).queryParam("size", 100).get("/units")
                .then().statusCode(400).contentType("application/problem+json");
        var body = unit(FakeUnit.newUnitId("nul"), "clinic-a");
        body.put("firmware", "1.4\u00000");
        given().contentType(ContentType.JSON).body(body).post("/units")
                .then().statusCode(400).contentType("application/problem+json");
        given().get("/units/{id}", body.get("unitId")).then().statusCode(404);
    }

    @Test
    void anUnknownUnitIsNotFoundAsAProblem() {
        given().get("/units/{id}", FakeUnit.newUnitId("nobody"))
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", containsString("There is no unit"));
    }

    @Test
    void registeringTheSameUnitTwiceIsAConflict() {
        var unitId = FakeUnit.newUnitId("reg");
        Gateway.register(unitId, "clinic-a");

        given().contentType(ContentType.JSON).body(unit(unitId, "clinic-b"))
                .post("/units")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("already registered"));
    }

    @Test
    void aMovedUnitBelongsToItsNewClinicAndADecommissionedOneStaysListedInactive() {
        var unitId = FakeUnit.newUnitId("reg");
        Gateway.register(unitId, "clinic-a");

        given().contentType(ContentType.JSON).body(Map.of("clinicId", "clinic-b"))
                .put("/units/{id}/clinic", unitId)
                .then().statusCode(200)
                .body("clinicId", equalTo("clinic-b"));

        given().delete("/units/{id}", unitId).then().statusCode(204);
        given().delete("/units/{id}", unitId).then().statusCode(204);

        given().get("/units/{id}", unitId)
                .then().statusCode(200)
                .body("active", equalTo(false))
                .body("clinicId", equalTo("clinic-b"));
        given().contentType(ContentType.JSON).body(Map.of("clinicId", "clinic-c"))
                .put("/units/{id}/clinic", unitId)
                .then().statusCode(409)
                .contentType("application/problem+json");
        given().delete("/units/{id}", FakeUnit.newUnitId("nobody")).then().statusCode(404);
    }

    @Test
    void aBadStateFilterOrPageSizeIsRefused() {
        given().queryParam("state", "ASLEEP").get("/units")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("state must be one of"));
        given().queryParam("size", 0).get("/units")
                .then().statusCode(400)
                .body("detail", containsString("size must be between 1 and 500"));
    }
}
