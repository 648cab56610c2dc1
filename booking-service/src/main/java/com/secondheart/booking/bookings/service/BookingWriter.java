package com.secondheart.booking.bookings.service;

import com.secondheart.booking.bookings.repository.Booking;
import com.secondheart.booking.bookings.repository.BookingRepository;
import com.secondheart.booking.bookings.repository.BookingStatus;
import com.secondheart.booking.common.repository.ExclusionViolations;
import com.secondheart.booking.messaging.service.MessagePlanner;
import com.secondheart.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Each write to a booking in its own transaction. The exclusion constraint decides clashes: an insert or a move
 * that would overlap another live booking of the resource fails with {@link SlotTaken}, never a 500.
 */
@ApplicationScoped
public class BookingWriter {

    private final BookingRepository bookings;
    private final MessagePlanner messages;
    private final java.time.Clock clock;

    /** Every change that a client hears about writes its messages to the outbox in the same transaction. */
    public BookingWriter(BookingRepository bookings, MessagePlanner messages, java.time.Clock clock) {
        this.clock = clock;
        this.bookings = bookings;
        this.messages = messages;
    }

    @WithTransaction
    public Uni<Booking> insert(Booking booking, Supplier<String> takenDetail) {
        return bookings.persistAndFlush(booking)
                .call((Booking b) -> messages.booked(b.visit()))
                .onFailure(ExclusionViolations.of(BookingRepository.NO_OVERLAP))
                .transform(failure -> new SlotTaken(takenDetail.get()));
    }

    /** Moves a BOOKED booking; null when it does not exist. */
    @WithTransaction
    public Uni<Booking> move(UUID bookingId, String resourceId, Instant startsAt, Instant endsAt, Instant heldUntil,
                             Supplier<String> takenDetail) {
        return bookings.findById(bookingId).chain(booking -> {
            if (booking == null) {
                return Uni.createFrom().nullItem();
            }
            BookingLifecycle.refuseReschedule(booking.status).ifPresent(reason -> {
                throw ProblemException.conflict(reason);
            });
            booking.resourceId = resourceId;
            booking.startsAt = startsAt;
            booking.endsAt = endsAt;
            booking.heldUntil = heldUntil;
            booking.updatedAt = clock.instant();
            return bookings.flush().replaceWith(booking).call((Booking b) -> messages.rescheduled(b.visit()));
        }).onFailure(ExclusionViolations.of(BookingRepository.NO_OVERLAP))
                .transform(failure -> new SlotTaken(takenDetail.get()))
                .onFailure(BookingWriter::stale).transform(failure -> changedMeanwhile());
    }

    @WithTransaction
    public Uni<Booking> cancel(UUID bookingId, Instant now, java.time.Duration window) {
        return bookings.findById(bookingId).chain(booking -> {
            if (booking == null) {
                return Uni.createFrom().nullItem();
            }
            BookingLifecycle.refuseCancel(booking.status).ifPresent(reason -> {
                throw ProblemException.conflict(reason);
            });
            booking.status = BookingStatus.CANCELLED;
            booking.cancellation = BookingLifecycle.cancellation(now, booking.startsAt, window);
            booking.cancelledAt = now;
            booking.updatedAt = now;
            return bookings.flush().replaceWith(booking).call((Booking b) -> messages.cancelled(b.visit()));
        }).onFailure(BookingWriter::stale).transform(failure -> changedMeanwhile());
    }

    /** Records the check-in (and the start command); the booking as it is afterwards. */
    @WithTransaction
    public Uni<Booking> checkedIn(UUID bookingId, UUID commandId, String sessionId, Instant now) {
        return bookings.markCheckedIn(bookingId, commandId, sessionId, now)
                .chain(() -> bookings.findById(bookingId));
    }

    @WithTransaction
    public Uni<Booking> complete(UUID bookingId, boolean runsOnAUnit, Instant now) {
        return bookings.findById(bookingId).chain(booking -> {
            if (booking == null) {
                return Uni.createFrom().nullItem();
            }
            BookingLifecycle.refuseComplete(booking.status, runsOnAUnit).ifPresent(reason -> {
                throw ProblemException.conflict(reason);
            });
            booking.status = BookingStatus.COMPLETED;
            booking.finishedAt = now;
            booking.updatedAt = now;
            return bookings.flush().replaceWith(booking).call((Booking b) -> messages.completed(b.visit()));
        }).onFailure(BookingWriter::stale).transform(failure -> changedMeanwhile());
    }

    /** One UPDATE: safe with any number of replicas running it at once. */
    @WithTransaction
    public Uni<Integer> markNoShows(Instant cutoff) {
        return bookings.markNoShows(cutoff).call(ids -> {
            Uni<Void> followUps = Uni.createFrom().voidItem();
            for (var id : ids) {
                followUps = followUps.chain(() -> bookings.findById(id)).chain((Booking b) -> messages.noShow(b.visit()));
            }
            return followUps;
        }).map(java.util.List::size);
    }

    @WithTransaction
    public Uni<Integer> pruneUnmatchedEnds(Instant before) {
        return bookings.pruneUnmatchedEnds(before);
    }

    /** An optimistic-lock failure: another request changed the booking first. */
    static boolean stale(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.hibernate.StaleStateException || cause instanceof jakarta.persistence.OptimisticLockException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    static ProblemException changedMeanwhile() {
        return ProblemException.conflict("The booking changed while this request was made; look at it again and retry.");
    }

}
