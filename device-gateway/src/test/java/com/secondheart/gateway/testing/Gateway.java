package com.secondheart.gateway.testing;

import io.restassured.http.ContentType;

import java.util.Arrays;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Short REST and /q/metrics calls the gateway tests share. */
public final class Gateway {

    private Gateway() {
    }

    public static void register(String unitId, String clinicId) {
        given().contentType(ContentType.JSON)
                .body(Map.of("unitId", unitId, "clinicId", clinicId, "model", "SH-Boot-5", "zonesPerLeg", 5))
                .post("/units")
                .then().statusCode(201);
    }

    public static String state(String unitId) {
        return given().get("/units/{id}", unitId).then().statusCode(200).extract().path("state");
    }

    /**
     * The value of a counter in /q/metrics, summed over the series that carry all the given labels
     * ({@code "kind=events", "reason=unknown_unit"}); 0 when there is none yet.
     */
    public static double metric(String name, String... labels) {
        var text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(label -> {
                    var parts = label.split("=", 2);
                    return line.contains(parts[0] + "=\"" + parts[1] + "\"");
                }))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
