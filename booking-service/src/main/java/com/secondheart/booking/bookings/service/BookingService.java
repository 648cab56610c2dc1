package com.secondheart.booking.bookings.service;

import com.secondheart.booking.availability.service.AvailabilityService;
import com.secondheart.booking.availability.service.AvailabilityService.Situation;
import com.secondheart.booking.availability.slots.SlotCalculator;
import com.secondheart.booking.availability.slots.SlotCalculator.Candidate;
import com.secondheart.booking.bookings.repository.Booking;
import com.secondheart.booking.bookings.repository.BookingRepository;
import com.secondheart.booking.bookings.repository.BookingStatus;
import com.secondheart.booking.catalogue.repository.Offering;
import com.secondheart.booking.catalogue.repository.OfferingRepository;
import com.secondheart.booking.clients.repository.ClientRepository;
import com.secondheart.booking.clients.repository.ScreeningRepository;
import com.secondheart.booking.clients.service.ClientService;
import com.secondheart.booking.clients.service.ScreeningRules;
import com.secondheart.booking.config.BookingConfig;
import com.secondheart.booking.fleet.repository.UnitStateRepository;
import com.secondheart.booking.gateway.service.UnitStarter;
import com.secondheart.booking.resources.repository.BookableResource;
import com.secondheart.booking.resources.repository.ResourceRepository;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Bookings: create, move, cancel, check in, complete. The exclusion constraint decides every clash; the checks
 * before it only give the usual refusals a clear sentence. A null item means "no such booking" (or clinic).
 * Clinic staff see their clinics only; another clinic's booking and a missing one answer the same 403.
 */
@ApplicationScoped
public class BookingService {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy 'at' HH:mm");

    private final BookingRepository bookings;
    private final BookingWriter writer;
    private final AvailabilityService availability;
    private final ClientRepository clients;
    private final ScreeningRepository screenings;
    private final OfferingRepository offerings;
    private final ResourceRepository resources;
    private final UnitStateRepository units;
    private final UnitStarter starter;
    private final BookingConfig config;
    private final Caller caller;
    /** "Now" for every booking rule (a test moves it to reach a reminder's time or a check-in window). */
    private final Clock clock;

    public BookingService(BookingRepository bookings, BookingWriter writer, AvailabilityService availability,
                          ClientRepository clients, ScreeningRepository screenings, OfferingRepository offerings,
                          ResourceRepository resources, UnitStateRepository units, UnitStarter starter,
                          BookingConfig config, Caller caller, Clock clock) {
        this.clock = clock;
        this.bookings = bookings;
        this.writer = writer;
        this.availability = availability;
        this.clients = clients;
        this.screenings = screenings;
        this.offerings = offerings;
        this.resources = resources;
        this.units = units;
        this.starter = starter;
        this.config = config;
        this.caller = caller;
    }

    // ---- create and move ------------------------------------------------------------------------------------

    public Uni<BookingView> create(NewBooking request) {
        caller.requireClinic(request.clinicId());
        var now = clock.instant();
        var start = request.startsAt().truncatedTo(ChronoUnit.MICROS);
        var day = start.atOffset(ZoneOffset.UTC).toLocalDate();
        return availability.situation(request.clinicId(), request.serviceId(), day.minusDays(1), day.plusDays(1), now)
                .chain(situation -> {
                    if (situation == null) {
                        return Uni.createFrom().nullItem();
                    }
                    var candidates = candidates(situation, request.resourceId(), start, now, null);
                    return eligibility(request.clientId(), request.clinicId(), situation, start)
                            .chain(() -> insertFirstFree(situation, request, start, candidates, 0, now))
                            .map(BookingView::of);
                });
    }

    public Uni<BookingView> reschedule(String bookingId, Reschedule request) {
        var now = clock.instant();
        var start = request.startsAt().truncatedTo(ChronoUnit.MICROS);
        var day = start.atOffset(ZoneOffset.UTC).toLocalDate();
        return visible(bookingId).chain(booking -> {
            if (booking == null) {
                return Uni.createFrom().nullItem();
            }
            BookingLifecycle.refuseReschedule(booking.status).ifPresent(reason -> {
                throw ProblemException.conflict(reason);
            });
            return availability.situation(booking.clinicId, booking.serviceId, day.minusDays(1), day.plusDays(1), now)
                    .chain(situation -> {
                        var candidates = candidates(situation, request.resourceId(), start, now, booking);
                        return eligibility(booking.clientId, booking.clinicId, situation, start)
                                .chain(() -> moveToFirstFree(situation, booking, start, candidates, 0));
                    });
        }).map(moved -> moved == null ? null : BookingView.of(moved));
    }

    /**
     * The resources to try, in order. A named resource is tried even when it looks taken (the database decides);
     * without one, every fitting resource that looks free, the booking's own first when it is being moved.
     */
    private List<String> candidates(Situation situation, String resourceId, Instant start, Instant now, Booking moving) {
        var request = situation.request();
        var zone = situation.calendar().zone();
        if (!start.isAfter(now)) {
            throw ProblemException.conflict("The start " + local(start, zone) + " has already passed.");
        }
        if (!SlotCalculator.withinOpeningHours(request, start)) {
            throw ProblemException.conflict("The clinic is not open for the whole " + request.duration().toMinutes()
                    + "-minute session starting " + local(start, zone) + " (" + zone.getId() + ").");
        }
        var fitting = situation.candidates();
        if (resourceId != null) {
            var named = fitting.stream().filter(c -> c.resourceId().equals(resourceId)).findFirst()
                    .orElseThrow(() -> ProblemException.badRequest("The resource '" + resourceId + "' is not an active "
                            + typeWord(situation.service().resourceType()) + " of clinic '" + situation.calendar().clinicId() + "'."));
            if (named.blockedUntil() != null && start.isBefore(named.blockedUntil())) {
                throw ProblemException.conflict("The unit of resource '" + resourceId
                        + "' is faulted or offline, so it is not booked for the next hours; choose another resource or a later time.");
            }
            return List.of(resourceId);
        }
        var free = new ArrayList<String>();
        for (Candidate candidate : fitting) {
            var own = moving == null ? candidate : withoutHold(candidate, moving);
            if (SlotCalculator.isFree(own, start, request.duration(), request.buffer())) {
                free.add(candidate.resourceId());
            }
        }
        if (moving != null && free.remove(moving.resourceId)) {
            free.add(0, moving.resourceId);
        }
        if (free.isEmpty()) {
            throw new SlotTaken(takenSentence(start, zone, null));
        }
        return free;
    }

    private Uni<Booking> insertFirstFree(Situation situation, NewBooking request, Instant start, List<String> candidates,
                                         int index, Instant now) {
        var resourceId = candidates.get(index);
        var booking = new Booking();
        booking.bookingId = UUID.randomUUID();
        booking.clinicId = request.clinicId();
        booking.resourceId = resourceId;
        booking.serviceId = request.serviceId();
        booking.clientId = request.clientId();
        booking.startsAt = start;
        booking.endsAt = start.plus(situation.request().duration());
        booking.heldUntil = booking.endsAt.plus(situation.request().buffer());
        booking.status = BookingStatus.BOOKED;
        booking.createdAt = now.truncatedTo(ChronoUnit.MICROS);
        booking.updatedAt = booking.createdAt;
        var zone = situation.calendar().zone();
        return writer.insert(booking, () -> takenSentence(start, zone, resourceId))
                .onFailure(SlotTaken.class).recoverWithUni(failure -> index + 1 < candidates.size()
                        ? insertFirstFree(situation, request, start, candidates, index + 1, now)
                        : Uni.createFrom().failure(candidates.size() > 1 ? new SlotTaken(takenSentence(start, zone, null)) : failure));
    }

    private Uni<Booking> moveToFirstFree(Situation situation, Booking booking, Instant start, List<String> candidates, int index) {
        var resourceId = candidates.get(index);
        var endsAt = start.plus(situation.request().duration());
        var zone = situation.calendar().zone();
        return writer.move(booking.bookingId, resourceId, start, endsAt, endsAt.plus(situation.request().buffer()),
                        () -> takenSentence(start, zone, resourceId))
                .onFailure(SlotTaken.class).recoverWithUni(failure -> index + 1 < candidates.size()
                        ? moveToFirstFree(situation, booking, start, candidates, index + 1)
                        : Uni.createFrom().failure(candidates.size() > 1 ? new SlotTaken(takenSentence(start, zone, null)) : failure));
    }

    /** The client is the caller's to book, at this clinic, and (for compression) clear to have it at that time. */
    @WithSession
    Uni<Void> eligibility(UUID clientId, String clinicId, Situation situation, Instant start) {
        var compression = "BOOT_UNIT".equals(situation.service().resourceType());
        return clients.findById(clientId).chain(client -> {
            if (client == null || !caller.maySee(client.clinicId)) {
                return Uni.createFrom().failure(Caller.denied());
            }
            if (!client.clinicId.equals(clinicId)) {
                return Uni.createFrom().failure(ProblemException.conflict(
                        "This client is registered at another clinic; register them at '" + clinicId + "' to book here."));
            }
            if (client.erasedAt != null) {
                return Uni.createFrom().failure(ProblemException.conflict(ClientService.ERASED));
            }
            if (!compression) {
                return Uni.createFrom().voidItem();
            }
            return screenings.latest(clientId).map(latest -> {
                var refusal = ScreeningRules.refusal(
                        latest == null ? null : new ScreeningRules.Latest(latest.screenedAt, latest.answers()),
                        start, config.booking().screeningValidFor());
                refusal.ifPresent(reason -> {
                    throw new ProblemException(409, "Screening required", reason);
                });
                return null;
            });
        });
    }

    // ---- cancel, check in, complete ---------------------------------------------------------------------------

    public Uni<BookingView> cancel(String bookingId) {
        return visible(bookingId).chain(booking -> booking == null ? Uni.createFrom().<Booking>nullItem()
                        : writer.cancel(booking.bookingId, clock.instant().truncatedTo(ChronoUnit.MICROS),
                        config.booking().cancellationWindow()))
                .map(booking -> booking == null ? null : BookingView.of(booking));
    }

    /**
     * Checks the client in. For compression the session is started on the booked unit first; only when the unit
     * took the command (or has it and has not answered yet) is the booking CHECKED_IN. Otherwise the desk gets the
     * reason and the booking stays BOOKED, ready for another try or a move to another unit.
     */
    public Uni<BookingView> checkIn(String bookingId) {
        var context = Vertx.currentContext();
        return loadForCheckIn(bookingId).chain(found -> {
            if (found == null) {
                return Uni.createFrom().<BookingView>nullItem();
            }
            var booking = found.booking();
            var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            BookingLifecycle.refuseCheckIn(booking.status, now, booking.startsAt, config.booking().checkInEarly())
                    .ifPresent(reason -> {
                        throw ProblemException.conflict(reason);
                    });
            if (!found.offering().isCompression()) {
                return writer.checkedIn(booking.bookingId, null, null, now).map(BookingView::of);
            }
            // a screening recorded since the booking (a new contraindication) or one that lapsed stops the session too
            ScreeningRules.refusal(found.screening(), now, config.booking().screeningValidFor()).ifPresent(reason -> {
                throw new ProblemException(409, "Screening required", reason);
            });
            var unitId = found.resource().unitId;
            if ("FAULTED".equals(found.unitState())) {
                throw ProblemException.conflict("Unit '" + unitId + "' reports a fault, so the session cannot start; "
                        + "clear the fault on the unit or move the booking to another unit.");
            }
            if ("OFFLINE".equals(found.unitState())) {
                throw ProblemException.conflict("Unit '" + unitId + "' is offline, so the session cannot start; "
                        + "check its power and network or move the booking to another unit.");
            }
            var offering = found.offering();
            return starter.start(unitId, booking.bookingId.toString(), offering.programMode.name(), offering.intensity,
                            offering.durationMinutes)
                    .emitOn(runnable -> context.runOnContext(ignored -> runnable.run()))
                    .chain(started -> writer.checkedIn(booking.bookingId, parseUuid(started.commandId()),
                            started.sessionId(), clock.instant().truncatedTo(ChronoUnit.MICROS)))
                    .map(BookingView::of);
        });
    }

    public Uni<BookingView> complete(String bookingId) {
        return loadForCheckIn(bookingId).chain(found -> found == null ? Uni.createFrom().<Booking>nullItem()
                        : writer.complete(found.booking().bookingId, found.offering().isCompression(),
                        clock.instant().truncatedTo(ChronoUnit.MICROS)))
                .map(booking -> booking == null ? null : BookingView.of(booking));
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    @WithSession
    public Uni<BookingView> find(String bookingId) {
        return visible(bookingId).map(booking -> booking == null ? null : BookingView.of(booking));
    }

    @WithSession
    public Uni<List<BookingView>> list(String clinicId, LocalDate from, LocalDate to, BookingStatus status, int page, int size) {
        if (clinicId != null) {
            caller.requireClinic(clinicId);
        }
        var scope = caller.clinicScope().orElse(null);
        var start = (from == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : from).atStartOfDay(ZoneOffset.UTC).toInstant();
        var end = (to == null ? start.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(1) : to.plusDays(1))
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        if (scope != null && scope.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return bookings.list(scope, clinicId, start, end, status, page, size)
                .map(all -> all.stream().map(BookingView::of).toList());
    }

    /**
     * The booking if the caller may see it. For clinic staff, another clinic's booking and a missing one fail with
     * the same 403; for callers who see every clinic a missing one is null (404 at the endpoint).
     */
    @WithSession
    Uni<Booking> visible(String bookingId) {
        var id = parseUuid(bookingId);
        var staff = !caller.seesEveryClinic();
        if (id == null) {
            return staff ? Uni.createFrom().failure(Caller.denied()) : Uni.createFrom().nullItem();
        }
        return bookings.findById(id).map(booking -> {
            if (booking == null) {
                if (staff) {
                    throw Caller.denied();
                }
                return null;
            }
            if (!caller.maySee(booking.clinicId)) {
                throw Caller.denied();
            }
            return booking;
        });
    }

    private record CheckInContext(Booking booking, Offering offering, BookableResource resource, String unitState,
                                  ScreeningRules.Latest screening) {
    }

    @WithSession
    Uni<CheckInContext> loadForCheckIn(String bookingId) {
        return visible(bookingId).chain(booking -> {
            if (booking == null) {
                return Uni.createFrom().nullItem();
            }
            return offerings.findById(booking.serviceId).chain(offering -> resources.findById(booking.resourceId)
                    .chain(resource -> resource.unitId == null
                            ? Uni.createFrom().item(new CheckInContext(booking, offering, resource, null, null))
                            : units.state(resource.unitId).chain(state -> screenings.latest(booking.clientId)
                                    .map(latest -> new CheckInContext(booking, offering, resource, state, latest == null
                                            ? null : new ScreeningRules.Latest(latest.screenedAt, latest.answers()))))));
        });
    }

    // ---- sentences --------------------------------------------------------------------------------------------

    private static String takenSentence(Instant start, ZoneId zone, String resourceId) {
        return resourceId == null
                ? "Every fitting resource is taken for " + local(start, zone) + "; choose another time."
                : "The slot " + local(start, zone) + " on '" + resourceId + "' is taken; choose another time or resource.";
    }

    private static String local(Instant instant, ZoneId zone) {
        return "on " + LOCAL.format(instant.atZone(zone));
    }

    private static String typeWord(String resourceType) {
        return resourceType.toLowerCase().replace('_', ' ');
    }

    private static Candidate withoutHold(Candidate candidate, Booking moving) {
        if (!candidate.resourceId().equals(moving.resourceId)) {
            return candidate;
        }
        var holds = candidate.holds().stream()
                .filter(hold -> !(hold.start().equals(moving.startsAt) && hold.end().equals(moving.heldUntil)))
                .toList();
        return new Candidate(candidate.resourceId(), holds, candidate.blockedUntil());
    }

    private static UUID parseUuid(String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

}
