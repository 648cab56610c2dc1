package com.secondheart.protocol.device;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A command on {@code sh/v1/units/{unitId}/commands}. Every command expires: a unit that reconnects late
 * must not start a session nobody is waiting for any more.
 */
public record UnitCommand(
        int v,
        String commandId,
        CommandType type,
        Instant issuedAt,
        Instant expiresAt,
        String bookingId,
        StartSession start,
        Map<String, String> config) implements Validatable {

    /**
     * An emergency stop older than this (from {@code issuedAt}) is not acted on, whatever its {@code expiresAt}: a
     * stop queued for an offline unit must not vent and latch the session of a client who came later.
     */
    public static final Duration EMERGENCY_STOP_MAX_AGE = Duration.ofSeconds(30);

    /** What a start-session asks for; no client data travels to the unit. */
    public record StartSession(ProgramMode mode, int intensity, int durationMinutes) implements Validatable {

        @Override
        public List<String> violations() {
            return Violations.check()
                    .present("mode", mode)
                    .range("intensity", intensity, 1, 7)
                    .range("durationMinutes", durationMinutes, 5, 60)
                    .list();
        }
    }

    public static UnitCommand startSession(String commandId, Instant issuedAt, Instant expiresAt, String bookingId,
            StartSession start) {
        return new UnitCommand(1, commandId, CommandType.START_SESSION, issuedAt, expiresAt, bookingId, start, null);
    }

    public static UnitCommand of(String commandId, CommandType type, Instant issuedAt, Instant expiresAt) {
        return new UnitCommand(1, commandId, type, issuedAt, expiresAt, null, null, null);
    }

    /** Whether the unit must no longer act on it: past {@code expiresAt}, or an emergency stop past its 30 s. */
    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt)
                || (type == CommandType.EMERGENCY_STOP && !now.isBefore(issuedAt.plus(EMERGENCY_STOP_MAX_AGE)));
    }

    @Override
    public List<String> violations() {
        var check = Violations.check()
                .id("commandId", commandId)
                .present("type", type)
                .present("issuedAt", issuedAt)
                .present("expiresAt", expiresAt)
                .notAfter("issuedAt", issuedAt, "expiresAt", expiresAt)
                .optionalId("bookingId", bookingId);
        if (type == CommandType.START_SESSION) {
            check.present("start", start).nested("start", start);
        }
        if (type == CommandType.SET_CONFIG) {
            check.rule(config != null && !config.isEmpty() && config.size() <= 32,
                    "field 'config' must hold 1 to 32 settings");
        }
        return check.list();
    }
}
