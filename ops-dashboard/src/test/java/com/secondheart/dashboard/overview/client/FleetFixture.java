package com.secondheart.dashboard.overview.client;

import java.util.List;

/**
 * The standard fleet the stubs serve, written as the JSON docs/architecture.md documents for each service.
 * <ul>
 *   <li>booking knows North Recovery (clinic-north, Berlin) and Harbour Physio (clinic-harbour, London);</li>
 *   <li>the gateway has three active units at clinic-north (n1 online, n2 in session, n10 faulted), a decommissioned
 *   one there (unit-old), one offline unit at clinic-harbour and one unit at clinic-popup, which booking does not know;</li>
 *   <li>telemetry counted sessions at clinic-north (including 3 by unit-moved, which has left) and clinic-harbour.</li>
 * </ul>
 */
public final class FleetFixture {

    public static final String CLINICS = """
            [
              {"clinicId":"clinic-north","name":"North Recovery","timeZone":"Europe/Berlin",
               "openingHours":[{"day":"MONDAY","opens":"08:00","closes":"20:00"}]},
              {"clinicId":"clinic-harbour","name":"Harbour Physio","timeZone":"Europe/London","openingHours":[]}
            ]""";

    public static final List<String> UNITS = List.of(
            unit("unit-n10", "clinic-north", "FAULTED", "2.1.0", true),
            unit("unit-n1", "clinic-north", "ONLINE", "2.1.0", true),
            unit("unit-h1", "clinic-harbour", "OFFLINE", "2.0.3", true),
            unit("unit-n2", "clinic-north", "IN_SESSION", "2.1.0", true),
            unit("unit-old", "clinic-north", "OFFLINE", "1.9.0", false),
            unit("unit-x1", "clinic-popup", "ONLINE", "2.1.0", true));

    public static final String NORTH_COUNTS = """
            [
              {"unitId":"unit-n1","clinicId":"clinic-north","completed":12,"aborted":1,"running":0,"lastEndedAt":"2025-03-03T09:40:00Z"},
              {"unitId":"unit-n2","clinicId":"clinic-north","completed":7,"aborted":0,"running":1,"lastEndedAt":"2025-03-03T10:05:00Z"},
              {"unitId":"unit-moved","clinicId":"clinic-north","completed":3,"aborted":2,"running":0,"lastEndedAt":"2025-02-01T12:00:00Z"}
            ]""";

    public static final String HARBOUR_COUNTS = """
            [
              {"unitId":"unit-h1","clinicId":"clinic-harbour","completed":4,"aborted":0,"running":0,"lastEndedAt":"2025-03-02T17:20:00Z"}
            ]""";

    private FleetFixture() {
    }

    static void serve(Upstreams upstreams) {
        upstreams.booking().json("/clinics", CLINICS);
        upstreams.gateway().route("/units", query -> StubServer.Answer.json(page(UNITS, query.get("page"), query.get("size"))));
        upstreams.telemetry().route("/sessions/counts", query -> StubServer.Answer.json(switch (query.getOrDefault("clinicId", "")) {
            case "clinic-north" -> NORTH_COUNTS;
            case "clinic-harbour" -> HARBOUR_COUNTS;
            default -> "[]";
        }));
    }

    /** One page of a JSON array, as the gateway pages GET /units (page from 0, size 50 when not given). */
    static String page(List<String> items, String page, String size) {
        int pageNumber = page == null || page.isEmpty() ? 0 : Integer.parseInt(page);
        int pageSize = size == null || size.isEmpty() ? 50 : Integer.parseInt(size);
        int from = Math.min(items.size(), pageNumber * pageSize);
        int to = Math.min(items.size(), from + pageSize);
        return "[" + String.join(",", items.subList(from, to)) + "]";
    }

    private static String unit(String unitId, String clinicId, String state, String firmware, boolean active) {
        return """
                {"unitId":"%s","clinicId":"%s","model":"SH-Boot 5","zonesPerLeg":5,"firmware":"%s","active":%s,
                 "state":"%s","bootSeq":7,"lastSeen":"2025-03-03T10:06:30Z","stateSince":"2025-03-03T10:00:00Z"}"""
                .formatted(unitId, clinicId, firmware, active, state);
    }
}
