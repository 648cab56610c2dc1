package com.secondheart.telemetry.sessions.repository;

import com.secondheart.protocol.device.ProgramMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;

import java.time.Instant;

/**
 * A row of {@code sessions}, read side only: rows are written by the merge statements of {@link SessionRepository},
 * which must stay atomic when a session's start and end are applied at the same moment.
 */
@Entity
@Immutable
@Table(name = "sessions")
public class SessionRecord {

    @Id
    @Column(name = "session_id")
    public String sessionId;

    @Column(name = "unit_id")
    public String unitId;

    @Column(name = "clinic_id")
    public String clinicId;

    @Column(name = "booking_id")
    public String bookingId;

    @Column(name = "command_id")
    public String commandId;

    @Enumerated(EnumType.STRING)
    public ProgramMode mode;

    public Integer intensity;

    @Column(name = "zones_per_leg")
    public Integer zonesPerLeg;

    @Column(name = "planned_seconds")
    public Integer plannedSeconds;

    @Enumerated(EnumType.STRING)
    public SessionOutcome outcome;

    @Enumerated(EnumType.STRING)
    @Column(name = "abort_reason")
    public SessionAbortReason abortReason;

    @Column(name = "fault_code")
    public String faultCode;

    @Column(name = "run_seconds")
    public Integer runSeconds;

    public Integer cycles;

    /** The jsonb zone statistics as text; {@code SessionView} reads them with the protocol's codec. */
    @Column(name = "zones")
    @ColumnTransformer(read = "cast(zones as text)")
    public String zonesJson;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "start_received_at")
    public Instant startReceivedAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    @Column(name = "end_received_at")
    public Instant endReceivedAt;

    @Column(name = "sort_time")
    public Instant sortTime;
}
