package com.secondheart.launcher;

import java.util.List;
import java.util.Map;

/** Puts the demo clinics and units into the services through their public APIs; safe to run again. */
final class DemoSeeder {

    private final JsonHttp http;
    private final String bookingUrl;
    private final String gatewayUrl;

    DemoSeeder(JsonHttp http, String bookingUrl, String gatewayUrl) {
        this.http = http;
        this.bookingUrl = bookingUrl;
        this.gatewayUrl = gatewayUrl;
    }

    /** Returns the broker password of every unit registered now (units registered before answer 409, and none). */
    Map<String, String> seed(List<DemoFleet.Clinic> clinics) throws Exception {
        var unitPasswords = new java.util.HashMap<String, String>();
        for (var service : DemoFleet.SERVICES) {
            expectCreatedOrExisting(http.post(bookingUrl + "/services", DemoFleet.serviceBody(service)),
                    "service " + service.serviceId());
        }
        for (var clinic : clinics) {
            expectCreatedOrExisting(http.post(bookingUrl + "/clinics", DemoFleet.clinicBody(clinic)), "clinic " + clinic.clinicId());
            for (var unitId : clinic.unitIds()) {
                var registered = http.post(gatewayUrl + "/units", Map.of(
                        "unitId", unitId, "clinicId", clinic.clinicId(), "model", "SH-Boot-5", "zonesPerLeg", 5,
                        "firmware", "1.4.0"));
                expectCreatedOrExisting(registered, "unit " + unitId);
                if (registered.ok() && registered.body() != null && registered.body().hasNonNull("mqttPassword")) {
                    unitPasswords.put(unitId, registered.body().get("mqttPassword").asText());
                }
                expectCreatedOrExisting(http.post(bookingUrl + "/clinics/" + clinic.clinicId() + "/resources", Map.of(
                        "resourceId", DemoFleet.resourceId(unitId), "type", "BOOT_UNIT", "name", "Boots " + unitId.substring(unitId.length() - 2),
                        "unitId", unitId)), "boot unit resource " + unitId);
            }
            int room = 1;
            for (var name : clinic.rooms()) {
                expectCreatedOrExisting(http.post(bookingUrl + "/clinics/" + clinic.clinicId() + "/resources", Map.of(
                        "resourceId", "room-" + clinic.clinicId() + "-" + room++, "type", "MASSAGE_ROOM", "name", name)),
                        "room " + name);
            }
        }
        return unitPasswords;
    }

    /**
     * Gives telemetry-service each demo clinic's time zone and opening hours (its aggregates count clinic-local days
     * and utilization against opening hours); the same calendar booking-service got. Safe to run again.
     */
    void seedCalendars(String telemetryUrl, List<DemoFleet.Clinic> clinics) throws Exception {
        for (var clinic : clinics) {
            var body = DemoFleet.clinicBody(clinic);
            var reply = http.put(telemetryUrl + "/clinics/" + clinic.clinicId() + "/calendar",
                    Map.of("timeZone", body.get("timeZone"), "openingHours", body.get("openingHours")));
            if (!reply.ok()) {
                throw new IllegalStateException("could not give telemetry the calendar of " + clinic.clinicId() + ": HTTP "
                        + reply.status() + " " + reply.body());
            }
        }
    }

    private static void expectCreatedOrExisting(JsonHttp.Reply reply, String what) {
        if (!reply.ok() && reply.status() != 409) {
            throw new IllegalStateException("could not create " + what + ": HTTP " + reply.status() + " " + reply.body());
        }
    }
}
