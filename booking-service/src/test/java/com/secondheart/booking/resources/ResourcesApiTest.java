package com.secondheart.booking.resources;

import com.secondheart.booking.testing.Ids;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class ResourcesApiTest {

    /** Clinics and resources are set up by fleet admins (docs/api.md); the role matrix lives in security.RoleMatrixTest. */
    void signInAsFleetAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", TestTokens.bearer(TestTokens.fleetAdmin())).build();
    }

    @AfterEach
    void signOut() {
        RestAssured.requestSpecification = null;
    }

    private String clinicId;

    @BeforeEach
    void aClinicExists() {
        signInAsFleetAdmin();
        clinicId = Ids.fresh("clinic");
        given().contentType(ContentType.JSON)
                .body(Map.of("clinicId", clinicId, "name", "Harbour Recovery", "timeZone", "Europe/Berlin"))
                .when().post("/clinics").then().statusCode(201);
    }

    @Test
    void aBootUnitLinkedToItsUnitIsCreatedAndListedWithTheClinicsOtherResources() {
        var unitId = Ids.fresh("unit");
        given().contentType(ContentType.JSON).body(resource("boots-1", "BOOT_UNIT", "Boots by the window", unitId))
                .when().post("/clinics/{id}/resources", clinicId).then()
                .statusCode(201)
                .header("Location", endsWith("/clinics/" + clinicId + "/resources/" + clinicId + "-boots-1"))
                .body("resourceId", equalTo(clinicId + "-boots-1"))
                .body("clinicId", equalTo(clinicId))
                .body("type", equalTo("BOOT_UNIT"))
                .body("name", equalTo("Boots by the window"))
                .body("unitId", equalTo(unitId))
                .body("active", equalTo(true));
        given().contentType(ContentType.JSON).body(resource("room-1", "MASSAGE_ROOM", "Quiet room", null))
                .when().post("/clinics/{id}/resources", clinicId).then()
                .statusCode(201)
                .body("unitId", nullValue());

        when().get("/clinics/{id}/resources", clinicId).then()
                .statusCode(200)
                .body("resourceId", contains(clinicId + "-boots-1", clinicId + "-room-1"))
                .body("type", contains("BOOT_UNIT", "MASSAGE_ROOM"));
    }

    @Test
    void aBootUnitWithoutAUnitIdIsRefusedWithASentence() {
        given().contentType(ContentType.JSON).body(resource("boots-2", "BOOT_UNIT", "Boots", null))
                .when().post("/clinics/{id}/resources", clinicId).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("A boot unit must name the unit it is linked to in 'unitId'."));
    }

    @Test
    void aTherapistWithAUnitIdIsRefusedWithASentence() {
        given().contentType(ContentType.JSON).body(resource("anna", "THERAPIST", "Anna", Ids.fresh("unit")))
                .when().post("/clinics/{id}/resources", clinicId).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("Only a boot unit is linked to a unit; leave 'unitId' out for a therapist."));
    }

    @Test
    void anUnknownResourceTypeIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON).body(resource("sauna", "SAUNA", "Sauna", null))
                .when().post("/clinics/{id}/resources", clinicId).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("The field 'type' has a value that is not allowed: 'SAUNA'."));
    }

    @Test
    void aResourceAtAnUnknownClinicIsAProblemNotFound() {
        given().contentType(ContentType.JSON).body(resource("room-9", "MASSAGE_ROOM", "Room", null))
                .when().post("/clinics/{id}/resources", "no-such-clinic").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("There is no clinic 'no-such-clinic'."));
        when().get("/clinics/{id}/resources", "no-such-clinic").then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aSecondResourceWithTheSameIdIsAConflict() {
        given().contentType(ContentType.JSON).body(resource("room-1", "MASSAGE_ROOM", "Quiet room", null))
                .when().post("/clinics/{id}/resources", clinicId).then().statusCode(201);

        given().contentType(ContentType.JSON).body(resource("room-1", "THERAPIST", "Anna", null))
                .when().post("/clinics/{id}/resources", clinicId).then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("A resource with the id '" + clinicId + "-room-1' already exists."));
    }

    @Test
    void aUnitLinkedToASecondResourceIsAConflictNamingTheFirst() {
        var unitId = Ids.fresh("unit");
        given().contentType(ContentType.JSON).body(resource("boots-1", "BOOT_UNIT", "Boots", unitId))
                .when().post("/clinics/{id}/resources", clinicId).then().statusCode(201);

        given().contentType(ContentType.JSON).body(resource("boots-2", "BOOT_UNIT", "More boots", unitId))
                .when().post("/clinics/{id}/resources", clinicId).then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("The unit '" + unitId + "' is already linked to resource '" + clinicId
                        + "-boots-1' at clinic '" + clinicId + "'."));
    }

    /** Resource ids are global, so each test prefixes them with its own clinic id. */
    private Map<String, Object> resource(String localId, String type, String name, String unitId) {
        var body = new HashMap<String, Object>();
        body.put("resourceId", clinicId + "-" + localId);
        body.put("type", type);
        body.put("name", name);
        if (unitId != null) {
            body.put("unitId", unitId);
        }
        return body;
    }
}
