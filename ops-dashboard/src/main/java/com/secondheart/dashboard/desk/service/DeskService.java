package com.secondheart.dashboard.desk.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.desk.client.DeskUpstream;
import com.secondheart.dashboard.desk.client.DeskUpstream.Answer;
import com.secondheart.dashboard.desk.client.DeskUpstream.Target;
import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.model.UnitView;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.ClinicScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;

/**
 * The Desk view's picture of one clinic's local day, and the desk's writes. Everything is read and written through
 * booking-service and telemetry-service with the person's own token ({@link DeskUpstream}), so their rules hold
 * here exactly as over REST; unit states and running sessions come from the live picture every viewer shares.
 */
@ApplicationScoped
public class DeskService {

    /** Bookings asked of booking-service per page; it allows at most 500. */
    private static final int PAGE = 500;
    /** Pages read for one day at most, a guard against a day no desk could show anyway. */
    private static final int MAX_PAGES = 6;

    private final DeskUpstream upstream;
    private final LiveFleet live;
    private final ObjectMapper json;
    private final DashboardConfig.Desk settings;
    private final Clock clock;

    @Inject
    DeskService(DeskUpstream upstream, LiveFleet live, ObjectMapper json, DashboardConfig config, Clock clock) {
        this(upstream, live, json, config.desk(), clock);
    }

    DeskService(DeskUpstream upstream, LiveFleet live, ObjectMapper json, DashboardConfig.Desk settings, Clock clock) {
        this.upstream = upstream;
        this.live = live;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
    }

    /** Who is asking, as the desk needs it: may they write here, and may they see clients' names. */
    public record Viewer(ClinicScope scope, boolean staff, String authorization) {
    }

    /**
     * One clinic's local day: its resources (with the unit's live state and running session), the services it can
     * offer, and the bookings that touch the day, with the client's name for staff of that clinic only.
     *
     * @param date the clinic-local date; null means today there
     */
    public Uni<ObjectNode> day(String clinicId, String date, Viewer viewer) {
        return upstream.get(Target.BOOKING, "/clinics/" + segment(clinicId), viewer.authorization())
                .map(DeskService::required)
                .chain(clinic -> {
                    var zone = zone(clinic.path("timeZone").asText("UTC"));
                    var day = date == null || date.isBlank() ? LocalDate.now(clock.withZone(zone)) : localDate(date);
                    var dayStart = day.atStartOfDay(zone).toInstant();
                    var dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
                    var names = viewer.staff()
                            ? upstream.get(Target.BOOKING, "/clinics/" + segment(clinicId) + "/clients", viewer.authorization())
                                    .map(DeskService::required)
                            : Uni.createFrom().<JsonNode>item(json.createArrayNode());
                    return Uni.combine().all().unis(
                                    upstream.get(Target.BOOKING, "/clinics/" + segment(clinicId) + "/resources", viewer.authorization())
                                            .map(DeskService::required),
                                    upstream.get(Target.BOOKING, "/services", viewer.authorization()).map(DeskService::required),
                                    bookings(clinicId, dayStart, dayEnd, viewer.authorization()),
                                    names,
                                    live.overview(viewer.scope()))
                            .asTuple()
                            .map(all -> picture(clinic, zone, day, dayStart, dayEnd, all.getItem1(), all.getItem2(),
                                    all.getItem3(), all.getItem4(), all.getItem5(), viewer));
                });
    }

    private ObjectNode picture(JsonNode clinic, ZoneId zone, LocalDate day, Instant dayStart, Instant dayEnd,
                               JsonNode resources, JsonNode services, ArrayNode bookings, JsonNode clients,
                               Overview overview, Viewer viewer) {
        var clinicId = clinic.path("clinicId").asText();
        var units = new HashMap<String, UnitView>();
        overview.clinics().stream().filter(view -> clinicId.equals(view.clinicId()))
                .flatMap(view -> view.units().stream()).forEach(unit -> units.put(unit.unitId(), unit));
        var types = new HashSet<String>();
        var columns = json.createArrayNode();
        for (var resource : resources) {
            var column = ((ObjectNode) resource.deepCopy());
            types.add(resource.path("type").asText());
            var unitId = resource.path("unitId").asText(null);
            if (unitId != null) {
                var unit = units.get(unitId);
                // A unit the gateway does not report is shown as unknown, and the desk offers it nothing.
                column.put("unitState", unit == null || unit.state() == null ? "UNKNOWN" : unit.state());
                column.set("session", unit == null || unit.session() == null ? null : json.valueToTree(unit.session()));
            }
            columns.add(column);
        }
        var offered = json.createArrayNode();
        services.forEach(service -> {
            if (types.contains(service.path("resourceType").asText())) {
                offered.add(service);
            }
        });
        var nameOf = new HashMap<String, String>();
        clients.forEach(client -> nameOf.put(client.path("clientId").asText(), client.path("displayName").asText(null)));
        var shown = json.createArrayNode();
        bookings.forEach(booking -> {
            var starts = Instant.parse(booking.path("startsAt").asText());
            var held = Instant.parse(booking.path("heldUntil").asText(booking.path("endsAt").asText()));
            if (starts.isBefore(dayEnd) && held.isAfter(dayStart)) {
                var copy = (ObjectNode) booking.deepCopy();
                if (viewer.staff()) {
                    copy.put("clientName", nameOf.get(booking.path("clientId").asText()));
                }
                shown.add(copy);
            }
        });
        var picture = json.createObjectNode();
        picture.put("clinicId", clinicId);
        picture.put("name", clinic.path("name").asText(clinicId));
        picture.put("timeZone", zone.getId());
        picture.put("date", day.toString());
        picture.put("dayStart", dayStart.toString());
        picture.put("dayEnd", dayEnd.toString());
        picture.put("now", clock.instant().toString());
        picture.set("openingHours", clinic.get("openingHours")); // null, never a missing node, when booking names none
        picture.put("canWrite", viewer.staff());
        picture.put("namesShown", viewer.staff());
        picture.put("cancellationWindowHours", settings.cancellationWindow().toMinutes() / 60.0);
        picture.set("services", offered);
        picture.set("resources", columns);
        picture.set("bookings", shown);
        return picture;
    }

    /** Every booking starting from a few hours before the day (a long one may run into it) to its end, page by page. */
    private Uni<ArrayNode> bookings(String clinicId, Instant dayStart, Instant dayEnd, String authorization) {
        var from = dayStart.minus(Duration.ofHours(6)).atOffset(ZoneOffset.UTC).toLocalDate();
        var to = dayEnd.atOffset(ZoneOffset.UTC).toLocalDate();
        return page(clinicId, from, to, 0, json.createArrayNode(), authorization);
    }

    private Uni<ArrayNode> page(String clinicId, LocalDate from, LocalDate to, int page, ArrayNode into, String authorization) {
        return upstream.get(Target.BOOKING, "/bookings?clinicId=" + query(clinicId) + "&from=" + from + "&to=" + to
                        + "&page=" + page + "&size=" + PAGE, authorization)
                .map(DeskService::required)
                .chain(answer -> {
                    answer.forEach(into::add);
                    return answer.size() == PAGE && page + 1 < MAX_PAGES
                            ? page(clinicId, from, to, page + 1, into, authorization)
                            : Uni.createFrom().item(into);
                });
    }

    /**
     * The next free starts for a service from {@code after} on (the day it falls on and the next), for a desk whose
     * chosen time was taken meanwhile.
     */
    public Uni<ArrayNode> nextSlots(String clinicId, String serviceId, Instant after, String authorization) {
        var from = after.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
        return upstream.get(Target.BOOKING, "/clinics/" + segment(clinicId) + "/availability?serviceId=" + query(serviceId)
                        + "&from=" + from + "&to=" + from.plusDays(2), authorization)
                .map(answer -> {
                    var next = json.createArrayNode();
                    if (!answer.ok() || answer.body() == null) {
                        return next;
                    }
                    var notBefore = after.isAfter(clock.instant()) ? after : clock.instant();
                    for (var slot : answer.body().path("slots")) {
                        if (next.size() >= settings.nextSlotsOffered()) {
                            break;
                        }
                        if (!Instant.parse(slot.path("start").asText()).isBefore(notBefore)) {
                            next.add(slot);
                        }
                    }
                    return next;
                });
    }

    /** Every open Desk view of this clinic reads its day again. */
    public void changed(String clinicId) {
        live.deskChanged(clinicId);
    }

    /** A failed upstream answer becomes the same problem for the person (booking's own sentence). */
    public static JsonNode required(Answer answer) {
        if (answer.ok()) {
            return answer.body() == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : answer.body();
        }
        throw problem(answer);
    }

    public static ProblemException problem(Answer answer) {
        var body = answer.body();
        var detail = body != null && body.hasNonNull("detail") ? body.path("detail").asText() : null;
        if (answer.status() == 401) {
            // The dashboard accepted this sign-in; a service that does not is a configuration fault, not the person's.
            return ProblemException.unavailable("Booking did not accept your sign-in just now; try again shortly.");
        }
        if (answer.status() >= 500) {
            return ProblemException.unavailable(detail != null ? detail
                    : "Booking could not answer just now, so nothing was changed; try again in a moment.");
        }
        return new ProblemException(answer.status(), body != null && body.hasNonNull("title") ? body.path("title").asText()
                : "Refused", detail != null ? detail : "The request was refused (HTTP " + answer.status() + ").");
    }

    public static String segment(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static String query(String value) {
        return segment(value);
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException unknown) {
            return ZoneOffset.UTC;
        }
    }

    private static LocalDate localDate(String date) {
        try {
            return LocalDate.parse(date);
        } catch (DateTimeException bad) {
            throw ProblemException.badRequest("'date' must be a day such as 2026-12-02.");
        }
    }
}
