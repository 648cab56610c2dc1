package com.secondheart.booking.testing;

import com.secondheart.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Calls to booking-service as a given role, and the set-up most booking tests share. */
public final class Api {

    public static final String ALL_DAY_OPEN = "00:00";

    private Api() {
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    public static RequestSpecification admin() {
        return as(TestTokens.fleetAdmin());
    }

    public static RequestSpecification staff(String clinicId) {
        return as(TestTokens.clinicStaff(clinicId));
    }

    /** A clinic open every day between the given local times. */
    public static String clinic(String zone, String opens, String closes) {
        var clinicId = Ids.fresh("clinic");
        var hours = new ArrayList<Map<String, String>>();
        for (var day : DayOfWeek.values()) {
            hours.add(Map.of("day", day.name(), "opens", opens, "closes", closes));
        }
        admin().body(Map.of("clinicId", clinicId, "name", "Test clinic", "timeZone", zone, "openingHours", hours))
                .post("/clinics").then().statusCode(201);
        return clinicId;
    }

    public static String bootUnit(String clinicId, String unitId) {
        var resourceId = clinicId + "-" + unitId;
        admin().body(Map.of("resourceId", resourceId, "type", "BOOT_UNIT", "name", "Boots", "unitId", unitId))
                .post("/clinics/{id}/resources", clinicId).then().statusCode(201);
        return resourceId;
    }

    public static String room(String clinicId, String name) {
        var resourceId = clinicId + "-" + name;
        admin().body(Map.of("resourceId", resourceId, "type", "MASSAGE_ROOM", "name", name))
                .post("/clinics/{id}/resources", clinicId).then().statusCode(201);
        return resourceId;
    }

    /** A compression service of the given length and buffer. */
    public static String compression(int minutes, int bufferMinutes) {
        var serviceId = Ids.fresh("compression");
        admin().body(Map.of("serviceId", serviceId, "name", "Compression " + minutes, "resourceType", "BOOT_UNIT",
                        "durationMinutes", minutes, "bufferMinutes", bufferMinutes, "programMode", "GRADIENT_SEQUENTIAL",
                        "intensity", 4))
                .post("/services").then().statusCode(201);
        return serviceId;
    }

    public static String massage(int minutes, int bufferMinutes) {
        var serviceId = Ids.fresh("massage");
        admin().body(Map.of("serviceId", serviceId, "name", "Massage " + minutes, "resourceType", "MASSAGE_ROOM",
                        "durationMinutes", minutes, "bufferMinutes", bufferMinutes))
                .post("/services").then().statusCode(201);
        return serviceId;
    }

    public static String client(String clinicId) {
        return staff(clinicId).body(Map.of("displayName", "Sam", "contact", "sam@example.org"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201).extract().path("clientId");
    }

    /** A new client with a clear screening. */
    public static String screenedClient(String clinicId) {
        var clientId = client(clinicId);
        screen(clinicId, clientId);
        return clientId;
    }

    /** A screening with every answer no, except those named. */
    public static void screen(String clinicId, String clientId, String... positive) {
        staff(clinicId).body(Map.of("answers", answers(positive)))
                .post("/clients/{id}/screenings", clientId).then().statusCode(201);
    }

    public static Map<String, Boolean> answers(String... positive) {
        var answers = new HashMap<String, Boolean>();
        for (var item : List.of("DVT", "INFLAMMATORY_PHLEBITIS", "PULMONARY_EMBOLISM", "UNCONTROLLED_HEART_FAILURE",
                "ACUTE_PULMONARY_OEDEMA", "UNTREATED_LIMB_INFECTION", "LIMB_FRACTURE_OR_OPEN_WOUND",
                "ISCHAEMIC_VASCULAR_DISEASE")) {
            answers.put(item, List.of(positive).contains(item));
        }
        return answers;
    }

    public static Map<String, Object> booking(String clinicId, String serviceId, String clientId, String startsAt, String resourceId) {
        var body = new HashMap<String, Object>();
        body.put("clinicId", clinicId);
        body.put("serviceId", serviceId);
        body.put("clientId", clientId);
        body.put("startsAt", startsAt);
        if (resourceId != null) {
            body.put("resourceId", resourceId);
        }
        return body;
    }
}
