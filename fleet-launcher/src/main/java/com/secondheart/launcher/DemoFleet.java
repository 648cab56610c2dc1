package com.secondheart.launcher;

import java.util.List;
import java.util.Map;

/** The clinics, rooms and boot units the demo fleet starts with. */
public final class DemoFleet {

    public record Clinic(String clinicId, String name, String timeZone, List<String> unitIds, List<String> rooms) {
    }

    public static final List<Clinic> CLINICS = List.of(
            new Clinic("harbour", "Harbour Recovery Clinic", "Europe/London",
                    List.of("unit-hb-01", "unit-hb-02", "unit-hb-03", "unit-hb-04"), List.of("Massage room 1")),
            new Clinic("riverside", "Riverside Sports Recovery", "America/New_York",
                    List.of("unit-rv-01", "unit-rv-02", "unit-rv-03"), List.of("Massage room A", "Massage room B")),
            new Clinic("alpine", "Alpine Lymph & Recovery", "Europe/Zurich",
                    List.of("unit-al-01", "unit-al-02", "unit-al-03"), List.of("Treatment room")));

    private DemoFleet() {
    }

    public static List<String> allUnitIds() {
        return CLINICS.stream().flatMap(clinic -> clinic.unitIds().stream()).toList();
    }

    static Map<String, Object> clinicBody(Clinic clinic) {
        var days = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY");
        return Map.of(
                "clinicId", clinic.clinicId(),
                "name", clinic.name(),
                "timeZone", clinic.timeZone(),
                "openingHours", days.stream()
                        .map(day -> Map.of("day", day, "opens", "07:00", "closes", day.equals("SATURDAY") ? "14:00" : "21:00"))
                        .toList());
    }
}
