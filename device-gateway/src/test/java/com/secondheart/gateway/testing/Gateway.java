package com.secondheart.gateway.testing;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.FleetEvent;
import io.restassured.http.ContentType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Short REST and /q/metrics calls the gateway tests share. */
public final class Gateway {

    private Gateway() {
    }

    /** Every following REST Assured request of this test JVM carries this bearer token (null: none). */
    public static void callAs(String token) {
        RestAssured.requestSpecification = token == null ? null
                : new RequestSpecBuilder().addHeader("Authorization", "Bearer " + token).build();
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

    /** Every journaled event of a unit, read through the feed page by page, as a consumer catching up would. */
    public static List<FleetEvent> journalOf(String unitId) {
        var codec = ProtocolCodec.shared();
        var all = new ArrayList<FleetEvent>();
        long after = 0;
        while (true) {
            var body = given().queryParam("after", after).queryParam("limit", 1000).get("/events")
                    .then().statusCode(200).extract().asByteArray();
            var page = new ArrayList<FleetEvent>();
            try {
                for (var node : codec.mapper().readTree(body)) {
                    page.add(codec.decodeFleetEvent(codec.mapper().writeValueAsBytes(node)).message());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            page.stream().filter(e -> e.event().unitId().equals(unitId)).forEach(all::add);
            if (page.size() < 1000) {
                return all;
            }
            after = page.get(page.size() - 1).journalPosition();
        }
    }
}
