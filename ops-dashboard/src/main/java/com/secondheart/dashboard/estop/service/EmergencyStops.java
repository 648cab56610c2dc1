package com.secondheart.dashboard.estop.service;

import com.secondheart.dashboard.overview.client.GatewayCommandsClient;
import com.secondheart.protocol.Ids;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * The dashboard's emergency-stop button: sends {@code emergency-stop} to the unit through the gateway as the
 * signed-in person, so the gateway decides (fleet admins, and staff of the unit's own clinic; docs/security.md).
 * The command expires after 30 s, as the unit refuses an older stop anyway (a stop queued for an offline unit must
 * not latch a later client's session). Every press is logged with who pressed it.
 */
@ApplicationScoped
public class EmergencyStops {

    private static final Logger LOG = Logger.getLogger(EmergencyStops.class);
    static final int EXPIRES_IN_SECONDS = 30;

    /** What the page needs to follow the stop: the command's id and state at the gateway. */
    public record Pressed(String unitId, String commandId, String state) {
    }

    private final GatewayCommandsClient commands;

    EmergencyStops(GatewayCommandsClient commands) {
        this.commands = commands;
    }

    public Uni<Pressed> press(String unitId, String who, String authorization) {
        if (!Ids.isValid(unitId)) {
            throw ProblemException.badRequest("'" + clip(unitId) + "' is not a unit id.");
        }
        return commands.send(unitId, authorization,
                        new GatewayCommandsClient.CommandRequest("emergency-stop", EXPIRES_IN_SECONDS))
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .onFailure().transform(failure -> explain(unitId, who, failure))
                .map(answer -> {
                    LOG.warnf("%s pressed the emergency stop of unit %s: command %s %s", who, unitId,
                            answer.commandId(), answer.state());
                    return new Pressed(unitId, answer.commandId(), answer.state());
                });
    }

    private static Throwable explain(String unitId, String who, Throwable failure) {
        if (failure instanceof WebApplicationException web) {
            var status = web.getResponse().getStatus();
            if (status == 401 || status == 403) {
                return new ProblemException(403, "Forbidden", "Only fleet admins and staff of the unit's own clinic "
                        + "can stop unit '" + unitId + "' from here.");
            }
            if (status == 404) {
                return ProblemException.notFound("The gateway does not know unit '" + unitId + "'.");
            }
            if (status == 409) {
                return ProblemException.conflict("The gateway refused the stop: unit '" + unitId
                        + "' is decommissioned.");
            }
        }
        LOG.errorf("%s pressed the emergency stop of unit %s but the gateway could not be reached: %s", who, unitId,
                failure.toString());
        return ProblemException.unavailable("The gateway could not be reached, so the stop was NOT sent: use the "
                + "emergency-stop button on the unit itself.");
    }

    private static String clip(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
