package com.secondheart.protocol.device;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Instant;
import java.util.List;

/** The unit's answer to a command, by command id, on {@code sh/v1/units/{unitId}/replies}. */
public record CommandReply(
        int v,
        String commandId,
        String unitId,
        Result result,
        String reason,
        String sessionId,
        Instant deviceTime) implements Validatable {

    public enum Result {
        ACCEPTED, REJECTED, EXPIRED
    }

    public static CommandReply accepted(String commandId, String unitId, String sessionId, Instant deviceTime) {
        return new CommandReply(1, commandId, unitId, Result.ACCEPTED, null, sessionId, deviceTime);
    }

    public static CommandReply rejected(String commandId, String unitId, String reason, Instant deviceTime) {
        return new CommandReply(1, commandId, unitId, Result.REJECTED, reason, null, deviceTime);
    }

    public static CommandReply expired(String commandId, String unitId, Instant deviceTime) {
        return new CommandReply(1, commandId, unitId, Result.EXPIRED, "the command expired before the unit received it",
                null, deviceTime);
    }

    @Override
    public List<String> violations() {
        return Violations.check()
                .id("commandId", commandId)
                .id("unitId", unitId)
                .present("result", result)
                .rule(result != Result.REJECTED || (reason != null && !reason.isBlank()),
                        "field 'reason' is required when a command is rejected")
                .optionalId("sessionId", sessionId)
                .present("deviceTime", deviceTime)
                .list();
    }
}
