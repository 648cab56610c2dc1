package com.secondheart.booking.bookings.repository;

import com.secondheart.booking.messaging.service.MessagePlanner;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.UUID;

/**
 * A booking (table {@code bookings}): a client, a service, a resource, and the time it holds the resource
 * ({@link #startsAt} to {@link #heldUntil}, the service's end plus its cleaning buffer). The database's exclusion
 * constraint {@code bookings_no_overlap} refuses two live bookings of a resource whose holds overlap.
 */
@Entity
@Table(name = "bookings")
public class Booking {

    @Id
    @Column(name = "booking_id")
    public UUID bookingId;

    @Column(name = "clinic_id")
    public String clinicId;

    @Column(name = "resource_id")
    public String resourceId;

    @Column(name = "service_id")
    public String serviceId;

    @Column(name = "client_id")
    public UUID clientId;

    @Column(name = "starts_at")
    public Instant startsAt;

    @Column(name = "ends_at")
    public Instant endsAt;

    @Column(name = "held_until")
    public Instant heldUntil;

    @Enumerated(EnumType.STRING)
    public BookingStatus status;

    @Enumerated(EnumType.STRING)
    public Cancellation cancellation;

    @Column(name = "command_id")
    public UUID commandId;

    @Column(name = "session_id")
    public String sessionId;

    @Column(name = "session_outcome")
    public String sessionOutcome;

    @Column(name = "abort_reason")
    public String abortReason;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "checked_in_at")
    public Instant checkedInAt;

    @Column(name = "session_started_at")
    public Instant sessionStartedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "cancelled_at")
    public Instant cancelledAt;

    @Version
    public int version;

    /** The booking as messaging needs it. */
    public MessagePlanner.Visit visit() {
        return new MessagePlanner.Visit(bookingId, clinicId, serviceId, clientId, startsAt);
    }
}
