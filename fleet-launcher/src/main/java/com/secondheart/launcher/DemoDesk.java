package com.secondheart.launcher;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the front desks of the automatic demo clinics, through booking-service's public API with a clinic-staff
 * token, as a person at the desk would: it registers pseudonymous clients and screens them, books each boot unit's
 * next client on a free start from availability, checks clients in when their start has come (check-in starts the
 * session on the unit through the gateway; the unit's own report completes the booking), lets about one client in
 * ten not show up (booking-service's sweep marks them), and records before/after measurements (outcomes, at
 * telemetry-service) for about a third of the completed sessions. New clients come with a fictional number and address
 * and, most of them, a consent to one channel, so their confirmations and check-in messages flow to the messaging
 * stand-ins. {@link DemoFleet#MANUAL_CLINIC}'s units are left to
 * people. Every decision is in {@link DeskDecisions}; refusals (409 slot taken, screening required, unit faulted) are
 * answers, logged at INFO in {@code demo-desk.log}, never errors. Its log names bookings and units, never a client's
 * id or name (docs/security.md: personal data stays in booking-service).
 */
final class DemoDesk implements AutoCloseable {

    /** Earliest start the desk books, from now: the booking must still lie in the future when it reaches the database. */
    private static final Duration LEAD = Duration.ofSeconds(30);
    /** How far ahead the desk looks for a unit's next free start. */
    private static final Duration HORIZON = Duration.ofMinutes(45);
    /** A refused check-in is tried again until this long after the start; then the client is left to the sweep. */
    private static final Duration GIVE_UP_CHECK_IN = Duration.ofMinutes(3);
    /** A booking is looked at after its end (or a no-show after its start) for this long, then forgotten. */
    private static final Duration FOLLOW_UP = Duration.ofMinutes(30);
    /** The desk keeps this many clients per unit, so that clients come back. */
    private static final int CLIENTS_PER_UNIT = 6;
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final JsonHttp http;
    private final String bookingUrl;
    private final String telemetryUrl;
    private final List<DemoFleet.Clinic> clinics;
    private final LauncherLog log;
    private final Random random;
    private final Map<String, Desk> desks = new LinkedHashMap<>();
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final Set<String> unreachable = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "demo-desk");
        thread.setDaemon(true);
        return thread;
    });

    /** One clinic's desk: its boot units and the clients it knows. */
    private static final class Desk {
        final DemoFleet.Clinic clinic;
        final ZoneId zone;
        final List<String> resourceIds;
        final List<Client> clients = new ArrayList<>();
        final Map<String, Instant> noSlotUntil = new HashMap<>();

        Desk(DemoFleet.Clinic clinic) {
            this.clinic = clinic;
            this.zone = ZoneId.of(clinic.timeZone());
            this.resourceIds = clinic.unitIds().stream().map(DemoFleet::resourceId).toList();
        }
    }

    private static final class Client {
        final String clientId;
        boolean bookable = true;

        Client(String clientId) {
            this.clientId = clientId;
        }
    }

    /** A booking the desk made, followed until it is over. */
    private static final class Tracked {
        final String bookingId;
        final String clinicId;
        final Client client;
        final String resourceId;
        final Instant startsAt;
        final Instant endsAt;
        final boolean noShow;
        boolean checkedIn;
        boolean givenUp;

        Tracked(String bookingId, String clinicId, Client client, String resourceId, Instant startsAt, Instant endsAt,
                boolean noShow) {
            this.bookingId = bookingId;
            this.clinicId = clinicId;
            this.client = client;
            this.resourceId = resourceId;
            this.startsAt = startsAt;
            this.endsAt = endsAt;
            this.noShow = noShow;
        }
    }

    DemoDesk(JsonHttp http, String bookingUrl, String telemetryUrl, List<DemoFleet.Clinic> clinics, LauncherLog log,
             Random random) {
        this.http = http;
        this.bookingUrl = bookingUrl;
        this.telemetryUrl = telemetryUrl;
        this.clinics = List.copyOf(clinics);
        this.log = log;
        this.random = random;
        for (var clinic : this.clinics) {
            desks.put(clinic.clinicId(), new Desk(clinic));
        }
    }

    void start() {
        log.info("the demo desk works %s (clinic %s is left to people); %d-minute sessions, booked on the wall clock",
                String.join(", ", desks.keySet()), DemoFleet.MANUAL_CLINIC, DemoFleet.SESSION_MINUTES);
        timer.scheduleWithFixedDelay(this::round, 2, 5, TimeUnit.SECONDS);
    }

    /** One round of every desk; a service that cannot be reached is noted once and tried again next round. */
    private void round() {
        try {
            for (var desk : desks.values()) {
                try {
                    tend(desk, Instant.now());
                    reachable("booking-service");
                } catch (IOException e) {
                    unreachable("booking-service", e);
                }
            }
            followUp(Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // never lets one surprise end the desk; one line, no stack trace (the logs must stay free of them)
            log.warn("the desk's round stopped early: %s; the next round starts afresh", e);
        }
    }

    private void tend(Desk desk, Instant now) throws IOException, InterruptedException {
        var clinicId = desk.clinic.clinicId();
        var today = LocalDate.now(ZoneOffset.UTC);
        var reply = http.get(bookingUrl + "/bookings?clinicId=" + clinicId + "&status=BOOKED&size=500&from="
                + today.minusDays(1) + "&to=" + today.plusDays(1));
        if (!reply.ok()) {
            log.warn("could not list %s's bookings: %s", clinicId, problem(reply));
            return;
        }
        var booked = new ArrayList<DeskDecisions.Booking>();
        for (var node : reply.body()) {
            booked.add(new DeskDecisions.Booking(node.path("bookingId").asText(), node.path("resourceId").asText(),
                    node.path("status").asText(), Instant.parse(node.path("startsAt").asText())));
        }
        for (var booking : booked) {
            var ours = tracked.get(booking.bookingId());
            if (ours != null && !ours.checkedIn && !ours.givenUp) {
                checkIn(ours, now);
            }
        }
        List<DeskDecisions.Slot> slots = null;
        for (var resourceId : DeskDecisions.resourcesWithoutNextBooking(desk.resourceIds, booked, now)) {
            if (now.isBefore(desk.noSlotUntil.getOrDefault(resourceId, Instant.MIN))) {
                continue;
            }
            if (slots == null) {
                slots = availability(desk, now);
                if (slots == null) {
                    return;
                }
            }
            var notBefore = now.plus(LEAD).plus(DeskDecisions.gapBeforeNextClient(random.nextDouble()));
            var start = DeskDecisions.firstFreeStart(slots, resourceId, notBefore, now.plus(HORIZON));
            if (start.isEmpty()) {
                // faulted, offline, or the clinic's day is over: look again in a minute
                desk.noSlotUntil.put(resourceId, now.plus(Duration.ofMinutes(1)));
                continue;
            }
            book(desk, resourceId, start.get());
        }
    }

    private List<DeskDecisions.Slot> availability(Desk desk, Instant now) throws IOException, InterruptedException {
        var clinicId = desk.clinic.clinicId();
        var first = now.atZone(desk.zone).toLocalDate();
        var last = now.plus(HORIZON).atZone(desk.zone).toLocalDate();
        // every service of the demo has the same length and buffer, so one service's starts are every service's
        var reply = http.get(bookingUrl + "/clinics/" + clinicId + "/availability?serviceId="
                + DemoFleet.SERVICES.get(0).serviceId() + "&from=" + first + "&to=" + last);
        if (!reply.ok()) {
            log.warn("could not read %s's availability: %s", clinicId, problem(reply));
            return null;
        }
        var slots = new ArrayList<DeskDecisions.Slot>();
        for (var slot : reply.body().path("slots")) {
            var resources = new ArrayList<String>();
            slot.path("resourceIds").forEach(id -> resources.add(id.asText()));
            slots.add(new DeskDecisions.Slot(Instant.parse(slot.path("start").asText()), resources));
        }
        return slots;
    }

    private void book(Desk desk, String resourceId, Instant start) throws IOException, InterruptedException {
        var client = client(desk);
        if (client == null) {
            return;
        }
        var service = DemoFleet.SERVICES.get(random.nextInt(DemoFleet.SERVICES.size()));
        var clinicId = desk.clinic.clinicId();
        var reply = http.post(bookingUrl + "/bookings", Map.of("clinicId", clinicId, "serviceId", service.serviceId(),
                "clientId", client.clientId, "startsAt", start.toString(), "resourceId", resourceId));
        var when = LOCAL_TIME.format(start.atZone(desk.zone));
        if (reply.status() == 409) {
            if ("Screening required".equals(reply.body().path("title").asText())) {
                client.bookable = false;
            }
            log.info("%s: booking %s at %s refused (%s)", clinicId, resourceId, when, problem(reply));
            return;
        }
        if (!reply.ok()) {
            log.warn("%s: could not book %s at %s: %s", clinicId, resourceId, when, problem(reply));
            return;
        }
        var body = reply.body();
        var booking = new Tracked(body.path("bookingId").asText(), clinicId, client, resourceId, start,
                Instant.parse(body.path("endsAt").asText()), DeskDecisions.noShow(random.nextDouble()));
        tracked.put(booking.bookingId, booking);
        log.info("%s: booked %s at %s local (%s, booking %s)%s", clinicId, resourceId, when, service.serviceId(),
                booking.bookingId, booking.noShow ? "; this client will not show up" : "");
    }

    private void checkIn(Tracked booking, Instant now) throws IOException, InterruptedException {
        switch (DeskDecisions.checkIn(booking.startsAt, booking.noShow, now, GIVE_UP_CHECK_IN)) {
            case WAIT, NEVER -> {
            }
            case GIVE_UP -> {
                booking.givenUp = true;
                log.info("%s: gave up checking in booking %s on %s; booking-service will mark it a no-show",
                        booking.clinicId, booking.bookingId, booking.resourceId);
            }
            case NOW -> {
                var reply = http.post(bookingUrl + "/bookings/" + booking.bookingId + "/check-in", Map.of());
                if (reply.ok()) {
                    booking.checkedIn = true;
                    log.info("%s: checked in booking %s; the session starts on %s", booking.clinicId,
                            booking.bookingId, booking.resourceId);
                } else if (reply.status() == 409 || reply.status() == 503) {
                    log.info("%s: check-in of booking %s not taken yet (%s); trying again", booking.clinicId,
                            booking.bookingId, problem(reply));
                } else {
                    log.warn("%s: check-in of booking %s failed: %s", booking.clinicId, booking.bookingId, problem(reply));
                }
            }
        }
    }

    /** A client with no booking under way: a returning one, or a new one registered and screened now. */
    private Client client(Desk desk) throws IOException, InterruptedException {
        var busy = new HashSet<String>();
        tracked.values().forEach(booking -> busy.add(booking.client.clientId));
        var free = desk.clients.stream().filter(c -> c.bookable && !busy.contains(c.clientId)).toList();
        var enough = desk.clients.size() >= CLIENTS_PER_UNIT * desk.resourceIds.size();
        if (!free.isEmpty() && (enough || random.nextDouble() < 0.5)) {
            return free.get(random.nextInt(free.size()));
        }
        var clinicId = desk.clinic.clinicId();
        var pseudonym = "Client " + clinicId.substring(0, 2).toUpperCase() + "-" + String.format("%04d", random.nextInt(10_000));
        // a contact and, for most, a consent given at the desk: their confirmations and check-ins then reach the
        // messaging stand-ins (http://localhost:8089/), where a reply can be typed back into the desk's conversation
        var contact = DeskDecisions.contact(random.nextDouble(), random.nextInt(10_000_000));
        var registration = new LinkedHashMap<String, Object>();
        registration.put("displayName", pseudonym);
        registration.put("phone", contact.phone());
        registration.put("email", contact.email());
        contact.consentChannel().ifPresent(channel -> registration.put("consents", List.of(Map.of("channel", channel, "how", "AT_DESK"))));
        var created = http.post(bookingUrl + "/clinics/" + clinicId + "/clients", registration);
        if (!created.ok()) {
            log.warn("%s: could not register a client: %s", clinicId, problem(created));
            return null;
        }
        var client = new Client(created.body().path("clientId").asText());
        var contraindicated = DeskDecisions.contraindicated(random.nextDouble());
        var answers = new LinkedHashMap<String, Boolean>();
        for (var question : List.of("DVT", "INFLAMMATORY_PHLEBITIS", "PULMONARY_EMBOLISM", "UNCONTROLLED_HEART_FAILURE",
                "ACUTE_PULMONARY_OEDEMA", "UNTREATED_LIMB_INFECTION", "LIMB_FRACTURE_OR_OPEN_WOUND",
                "ISCHAEMIC_VASCULAR_DISEASE")) {
            answers.put(question, contraindicated && question.equals("DVT"));
        }
        var screened = http.post(bookingUrl + "/clients/" + client.clientId + "/screenings", Map.of("answers", answers));
        if (!screened.ok()) {
            log.warn("%s: could not record a new client's screening: %s", clinicId, problem(screened));
            return null;
        }
        desk.clients.add(client);
        log.info("%s: registered a new client (messages: %s), screening %s", clinicId,
                contact.consentChannel().orElse("no consent"),
                contraindicated ? "notes a contraindication: compression will be refused" : "clear");
        return client;
    }

    /** Looks at the desk's bookings once they are over: completed ones may get measurements, the rest are noted. */
    private void followUp(Instant now) throws InterruptedException {
        var due = tracked.values().stream()
                .filter(b -> b.checkedIn ? now.isAfter(b.endsAt.plusSeconds(20)) : now.isAfter(b.startsAt.plus(GIVE_UP_CHECK_IN)))
                .toList();
        for (var booking : due) {
            JsonHttp.Reply reply;
            try {
                reply = http.get(bookingUrl + "/bookings/" + booking.bookingId);
                reachable("booking-service");
            } catch (IOException e) {
                unreachable("booking-service", e);
                return;
            }
            var status = reply.ok() ? reply.body().path("status").asText() : "";
            var over = now.isAfter((booking.checkedIn ? booking.endsAt : booking.startsAt).plus(FOLLOW_UP));
            switch (status) {
                case "COMPLETED" -> {
                    tracked.remove(booking.bookingId);
                    var outcome = reply.body().path("sessionOutcome").asText();
                    log.info("%s: booking %s completed (session %s %s%s)", booking.clinicId, booking.bookingId,
                            reply.body().path("sessionId").asText(), outcome,
                            "ABORTED".equals(outcome) ? ", " + reply.body().path("abortReason").asText() : "");
                    if ("COMPLETED".equals(outcome) && DeskDecisions.measured(random.nextDouble())) {
                        measure(booking, reply.body());
                    }
                }
                case "NO_SHOW", "CANCELLED" -> {
                    tracked.remove(booking.bookingId);
                    log.info("%s: booking %s is %s", booking.clinicId, booking.bookingId, status);
                }
                default -> {
                    if (over) {
                        tracked.remove(booking.bookingId);
                        log.info("%s: booking %s is still %s %d minutes after it should have ended; no longer followed",
                                booking.clinicId, booking.bookingId, status.isEmpty() ? "unreadable" : status,
                                FOLLOW_UP.toMinutes());
                    }
                }
            }
        }
    }

    /** Before and after measurements of the client's legs, ankle to calf every 4 cm, at telemetry-service. */
    private void measure(Tracked booking, JsonNode view) throws InterruptedException {
        var left = legBefore();
        var right = legBefore();
        try {
            var reply = http.post(telemetryUrl + "/outcomes", Map.of(
                    "clientId", booking.client.clientId,
                    "clinicId", booking.clinicId,
                    "sessionId", view.path("sessionId").asText(),
                    "bookingId", booking.bookingId,
                    "method", "CIRCUMFERENCES",
                    "intervalCm", 4.0,
                    "before", Map.of("legs", Map.of("LEFT", left, "RIGHT", right)),
                    "after", Map.of("legs", Map.of("LEFT", after(left), "RIGHT", after(right)))));
            reachable("telemetry-service");
            if (reply.ok()) {
                log.info("%s: measured the client before and after the session of booking %s", booking.clinicId,
                        booking.bookingId);
            } else {
                log.warn("%s: telemetry did not take the measurements of booking %s: %s", booking.clinicId,
                        booking.bookingId, problem(reply));
            }
        } catch (IOException e) {
            unreachable("telemetry-service", e);
        }
    }

    /** Ankle to calf, every 4 cm: about 22 cm at the ankle widening to about 38 cm. */
    private List<Double> legBefore() {
        var ankle = 21.5 + random.nextDouble() * 3;
        return List.of(ankle, ankle + 4.5, ankle + 9.5, ankle + 13, ankle + 15.5).stream()
                .map(cm -> Math.round((cm + random.nextDouble() * 0.6) * 10) / 10.0).toList();
    }

    /** The same leg after the session: each site down by 0 to 0.9 cm (compression moves fluid; rest alone does too). */
    private List<Double> after(List<Double> before) {
        return before.stream().map(cm -> Math.round((cm - random.nextDouble() * 0.9) * 10) / 10.0).toList();
    }

    private void unreachable(String service, IOException e) {
        if (unreachable.add(service)) {
            log.info("%s cannot be reached (%s); the desk waits for it", service, why(e));
        }
    }

    /** In words, without a class name: the desk's log is read for exceptions, and this is an expected moment. */
    private static String why(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        return e.getMessage() == null ? "connection lost" : e.getMessage();
    }

    private void reachable(String service) {
        if (unreachable.remove(service)) {
            log.info("%s answers again", service);
        }
    }

    private static String problem(JsonHttp.Reply reply) {
        var body = reply.body();
        var title = body.path("title").asText("");
        var detail = body.path("detail").asText("");
        return "HTTP " + reply.status() + (title.isEmpty() ? "" : " " + title) + (detail.isEmpty() ? "" : ": " + detail);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            // a round under way finishes its current call; its next one sees the interrupt
            timer.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
