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

    /**
     * The clinic whose units the demo desk leaves to people: nothing is booked or started there automatically, so a
     * desk can be worked by hand (as {@code alpine.desk}) beside the automatic ones.
     */
    public static final String MANUAL_CLINIC = "alpine";

    /** A compression service of the demo catalogue (booking-service's shortest: 5 minutes, 1 minute to clean). */
    public record Service(String serviceId, String name, String programMode, int intensity) {
    }

    public static final int SESSION_MINUTES = 5;
    public static final int BUFFER_MINUTES = 1;

    public static final List<Service> SERVICES = List.of(
            new Service("demo-gradient-5", "Compression, gradient (5 min, demo)", "GRADIENT_SEQUENTIAL", 4),
            new Service("demo-peristaltic-5", "Compression, peristaltic (5 min, demo)", "PERISTALTIC", 3),
            new Service("demo-pulse-5", "Compression, pulse (5 min, demo)", "PULSE", 5));

    private DemoFleet() {
    }

    /** The clinics the demo desk books and checks in by itself. */
    public static List<Clinic> automaticClinics() {
        return CLINICS.stream().filter(clinic -> !clinic.clinicId().equals(MANUAL_CLINIC)).toList();
    }

    /** The booking-service resource of a boot unit. */
    public static String resourceId(String unitId) {
        return "res-" + unitId;
    }

    static Map<String, Object> serviceBody(Service service) {
        return Map.of(
                "serviceId", service.serviceId(),
                "name", service.name(),
                "resourceType", "BOOT_UNIT",
                "durationMinutes", SESSION_MINUTES,
                "bufferMinutes", BUFFER_MINUTES,
                "programMode", service.programMode(),
                "intensity", service.intensity());
    }

    public static List<String> allUnitIds() {
        return CLINICS.stream().flatMap(clinic -> clinic.unitIds().stream()).toList();
    }

    /**
     * The demo clinics are open round the clock, every day (00:00 to 23:59 local), so that the demo books and runs
     * sessions at whatever hour it is started (CI runs at any hour); only the last minutes before local midnight
     * offer no start.
     */
    static Map<String, Object> clinicBody(Clinic clinic) {
        var days = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY");
        return Map.of(
                "clinicId", clinic.clinicId(),
                "name", clinic.name(),
                "timeZone", clinic.timeZone(),
                "openingHours", days.stream()
                        .map(day -> Map.of("day", day, "opens", "00:00", "closes", "23:59"))
                        .toList());
    }
}
