package com.secondheart.telemetry.sessions.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData.ZoneStat;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.telemetry.sessions.repository.SessionAbortReason;
import com.secondheart.telemetry.sessions.repository.SessionOutcome;
import com.secondheart.telemetry.sessions.repository.SessionRecord;

import java.time.Instant;
import java.util.List;

/**
 * A session as the API shows it. {@code startedAt}/{@code endedAt} are device times; the {@code *ReceivedAt} are
 * the gateway's receive times. Program fields are null while only the session's end has arrived.
 */
public record SessionView(
        String sessionId,
        String unitId,
        String clinicId,
        String bookingId,
        String commandId,
        ProgramMode mode,
        Integer intensity,
        Integer zonesPerLeg,
        Integer plannedSeconds,
        SessionOutcome outcome,
        SessionAbortReason abortReason,
        String faultCode,
        Integer runSeconds,
        Integer cycles,
        Instant startedAt,
        Instant endedAt,
        Instant startReceivedAt,
        Instant endReceivedAt,
        List<ZoneStat> zones) {

    private static final TypeReference<List<ZoneStat>> ZONES = new TypeReference<>() {
    };

    static SessionView of(SessionRecord row) {
        return new SessionView(row.sessionId, row.unitId, row.clinicId, row.bookingId, row.commandId, row.mode,
                row.intensity, row.zonesPerLeg, row.plannedSeconds, row.outcome, row.abortReason, row.faultCode,
                row.runSeconds, row.cycles, row.startedAt, row.endedAt, row.startReceivedAt, row.endReceivedAt,
                zones(row.zonesJson));
    }

    private static List<ZoneStat> zones(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return ProtocolCodec.shared().mapper().readValue(json, ZONES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored zone statistics cannot be read", e);
        }
    }
}
