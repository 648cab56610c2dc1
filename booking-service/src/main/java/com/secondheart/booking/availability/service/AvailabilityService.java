package com.secondheart.booking.availability.service;

import com.secondheart.booking.availability.slots.SlotCalculator;
import com.secondheart.booking.availability.repository.CalendarQueries;
import com.secondheart.booking.availability.repository.CalendarQueries.ClinicCalendar;
import com.secondheart.booking.availability.repository.CalendarQueries.FittingResource;
import com.secondheart.booking.availability.repository.CalendarQueries.ServiceShape;
import com.secondheart.booking.availability.slots.SlotCalculator.Candidate;
import com.secondheart.booking.config.BookingConfig;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Free start times of a service at a clinic over local dates: reads the clinic's calendar, the fitting resources
 * with their units' state, and the holds overlapping the range, then lets {@link SlotCalculator} do the rest.
 * A null item means "no such clinic".
 */
@ApplicationScoped
public class AvailabilityService {

    /** Unit states that keep a boot unit out of new bookings for the next hours. */
    static final Set<String> UNAVAILABLE_UNIT_STATES = Set.of("FAULTED", "OFFLINE");

    private final CalendarQueries queries;
    private final BookingConfig config;
    private final Caller caller;

    private final Clock clock;

    public AvailabilityService(CalendarQueries queries, BookingConfig config, Caller caller, Clock clock) {
        this.clock = clock;
        this.queries = queries;
        this.config = config;
        this.caller = caller;
    }

    /** What a booking decision needs to know about one clinic, service and time. */
    public record Situation(ClinicCalendar calendar, ServiceShape service, SlotCalculator.Request request,
                            List<Candidate> candidates) {
    }

    public Uni<AvailabilityView> find(String clinicId, String serviceId, LocalDate from, LocalDate to) {
        caller.requireClinic(clinicId);
        if (from == null || to == null) {
            throw ProblemException.badRequest("Give the local dates to look at as 'from' and 'to' (YYYY-MM-DD).");
        }
        if (to.isBefore(from)) {
            throw ProblemException.badRequest("The date 'to' (" + to + ") comes before 'from' (" + from + ").");
        }
        var days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > config.booking().maxAvailabilityDays()) {
            throw ProblemException.badRequest("Ask for at most " + config.booking().maxAvailabilityDays()
                    + " days at a time; this asks for " + days + ".");
        }
        return situation(clinicId, serviceId, from, to, clock.instant()).map(situation -> {
            if (situation == null) {
                return null;
            }
            var slots = SlotCalculator.freeSlots(situation.request(), from, to, situation.candidates());
            return AvailabilityView.of(clinicId, serviceId, situation.calendar().zone(), from, to, slots);
        });
    }

    /**
     * The calendar, the service and every fitting resource with its holds over the local days from {@code first}
     * to {@code last}; null when the clinic does not exist; a 400 when the service does not.
     */
    public Uni<Situation> situation(String clinicId, String serviceId, LocalDate first, LocalDate last, Instant now) {
        if (serviceId == null || serviceId.isBlank()) {
            throw ProblemException.badRequest("Name the service to book as 'serviceId'.");
        }
        var calendar = queries.clinic(clinicId, first, last);
        var service = queries.service(serviceId);
        return Uni.combine().all().unis(calendar, service).asTuple().chain(both -> {
            var clinic = both.getItem1();
            var shape = both.getItem2();
            if (clinic == null) {
                return Uni.createFrom().nullItem();
            }
            if (shape == null) {
                return Uni.createFrom().failure(ProblemException.badRequest("There is no service '" + serviceId + "'."));
            }
            var request = new SlotCalculator.Request(clinic.zone(), clinic.openingHours(), clinic.closures(),
                    Duration.ofMinutes(shape.durationMinutes()), Duration.ofMinutes(shape.bufferMinutes()),
                    config.booking().slotStep(), now);
            // every start lies within the local days asked for; its hold ends at most duration + buffer later
            var from = first.atStartOfDay(clinic.zone()).toInstant();
            var to = last.plusDays(1).atStartOfDay(clinic.zone()).toInstant()
                    .plus(request.duration()).plus(request.buffer());
            return queries.resources(clinicId, shape.resourceType(), from, to)
                    .map(resources -> new Situation(clinic, shape, request, resources.stream()
                            .map(resource -> new Candidate(resource.resourceId(), resource.holds(), blockedUntil(resource, now)))
                            .toList()));
        });
    }

    private Instant blockedUntil(FittingResource resource, Instant now) {
        return resource.unitState() != null && UNAVAILABLE_UNIT_STATES.contains(resource.unitState())
                ? now.plus(config.booking().unavailableUnitHorizon()) : null;
    }
}
