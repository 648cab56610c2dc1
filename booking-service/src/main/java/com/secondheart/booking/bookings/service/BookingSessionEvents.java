package com.secondheart.booking.bookings.service;

import com.secondheart.booking.bookings.repository.BookingRepository;
import com.secondheart.booking.messaging.service.MessagePlanner;
import com.secondheart.fleetconsumer.service.AtCommit;
import com.secondheart.fleetconsumer.service.FleetEventHandler;
import com.secondheart.fleetconsumer.service.FleetMetrics;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.fleet.FleetEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * What booking keeps from the fleet's events (through module fleet-consumer, exactly once per event id, inside its
 * transaction): a session.started that names a booking moves it to IN_SESSION and records the session id; the
 * session's completed or aborted event moves that booking to COMPLETED with the outcome. An end that arrives
 * before its start is kept in {@code unmatched_session_end} and applied when the start arrives. Only the unit the
 * booking's resource is linked to starts or ends it: a start from another unit (booking and session ids are
 * guessable) changes nothing and is counted as {@code sh_booking_events_ignored_total{reason="foreign_booking"}}.
 */
@ApplicationScoped
public class BookingSessionEvents implements FleetEventHandler {

    private static final Logger LOG = Logger.getLogger(BookingSessionEvents.class);

    private final BookingRepository bookings;
    private final FleetMetrics metrics;
    private final MessagePlanner messages;

    private final Clock clock;

    public BookingSessionEvents(BookingRepository bookings, FleetMetrics metrics, MessagePlanner messages,
                                Clock clock) {
        this.clock = clock;
        this.messages = messages;
        this.bookings = bookings;
        this.metrics = metrics;
    }

    @Override
    public boolean wants(FleetEvent event) {
        var data = event.event().data();
        if (data instanceof EventData.SessionStarted started) {
            return bookingId(started.bookingId()) != null;
        }
        return data instanceof EventData.SessionCompleted || data instanceof EventData.SessionAborted;
    }

    @Override
    public Uni<Void> apply(FleetEvent event, AtCommit atCommit) {
        var time = event.event().deviceTime();
        var data = event.event().data();
        var unitId = event.event().unitId();
        // each path locks its session first (BookingRepository.lockSession): a start and an end applied at once
        // must not both miss the other
        if (data instanceof EventData.SessionStarted started) {
            return bookings.lockSession(started.sessionId(), unitId)
                    .chain(() -> started(bookingId(started.bookingId()), unitId, started.sessionId(), time));
        }
        if (data instanceof EventData.SessionCompleted completed) {
            return bookings.lockSession(completed.sessionId(), unitId)
                    .chain(() -> ended(completed.sessionId(), unitId, "COMPLETED", null, time));
        }
        if (data instanceof EventData.SessionAborted aborted) {
            return bookings.lockSession(aborted.sessionId(), unitId)
                    .chain(() -> ended(aborted.sessionId(), unitId, "ABORTED", aborted.faultCode() == null
                            ? aborted.reason().name() : aborted.reason().name() + " " + aborted.faultCode(), time));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> started(UUID bookingId, String unitId, String sessionId, java.time.Instant startedAt) {
        return bookings.sessionStarted(bookingId, unitId, sessionId, startedAt)
                .invoke(rows -> LOG.debugf("session %s started for booking %s (%d row)", sessionId, bookingId, rows))
                .chain(rows -> rows > 0 ? Uni.createFrom().voidItem() : bookings.bookingUnit(bookingId).invoke(owner -> {
                    if (owner != null && !owner.equals(unitId)) {
                        metrics.ignored("foreign_booking", "unit " + unitId + " started session " + sessionId
                                + " for booking " + bookingId + ", which is booked on another unit");
                    }
                }).replaceWithVoid())
                .chain(() -> bookings.takeEnd(sessionId, unitId))
                .chain(end -> end == null ? Uni.createFrom().voidItem()
                        : bookings.sessionEnded(sessionId, unitId, (String) end[0], (String) end[1], instant(end[2]))
                        .chain(rows -> afterEnd(rows, sessionId, unitId, (String) end[0])));
    }

    /** Only the booking's own unit ends it; another unit's end naming the session is kept apart and never matches. */
    private Uni<Void> ended(String sessionId, String unitId, String outcome, String abortReason, java.time.Instant endedAt) {
        return bookings.sessionKnown(sessionId, unitId).chain(known -> known
                ? bookings.sessionEnded(sessionId, unitId, outcome, abortReason, endedAt)
                        .chain(rows -> afterEnd(rows, sessionId, unitId, outcome))
                : bookings.rememberEnd(sessionId, unitId, outcome, abortReason, endedAt));
    }

    /**
     * A session that completed asks the client how their legs feel (in this transaction, through the outbox). An
     * aborted session does not: the client did not get the session they came for, and the desk talks to them.
     */
    private Uni<Void> afterEnd(int rows, String sessionId, String unitId, String outcome) {
        if (rows == 0 || !"COMPLETED".equals(outcome)) {
            return Uni.createFrom().voidItem();
        }
        return bookings.bySession(sessionId, unitId).chain(booking -> booking == null ? Uni.createFrom().voidItem()
                : messages.completed(booking.visit()));
    }

    private java.time.Instant instant(Object value) {
        if (value instanceof java.time.Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        return clock.instant();
    }

    private static UUID bookingId(String value) {
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
