package com.secondheart.dashboard.alarms.service;

import com.secondheart.dashboard.alarms.model.Alarm;
import com.secondheart.dashboard.overview.client.GatewayCommandsClient;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import com.secondheart.support.security.ClinicScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.logging.Logger;

import java.time.Duration;

/** Acknowledging an alarm; see {@link AlarmFeed} for what that means for each kind. */
@ApplicationScoped
public class AlarmAcknowledger {

    private static final Logger LOG = Logger.getLogger(AlarmAcknowledger.class);
    private static final int NOTE_MAX = 500;

    private final AlarmFeed alarms;
    private final GatewayCommandsClient commands;

    AlarmAcknowledger(AlarmFeed alarms, GatewayCommandsClient commands) {
        this.alarms = alarms;
        this.commands = commands;
    }

    /**
     * Acknowledges an alarm of the feed as it is now (the caller makes sure the feed is fresh first, and tells the
     * viewers afterwards: both belong to the live view, which this feature does not know).
     */
    public Uni<Alarm> acknowledge(String alarmId, ClinicScope scope, String who, String authorization, String note) {
        var alarm = alarms.find(alarmId).filter(found -> scope.allows(found.clinicId()));
        if (alarm.isEmpty()) {
            throw scope.everyClinic() ? ProblemException.notFound("There is no alarm '" + clip(alarmId) + "'.") : Caller.denied();
        }
        var found = alarm.get();
        if (note != null && note.length() > NOTE_MAX) {
            throw ProblemException.badRequest("A note can be at most " + NOTE_MAX + " characters long.");
        }
        if (!found.open()) {
            throw ProblemException.conflict("This alarm is already resolved: "
                    + (Alarm.FAULT.equals(found.kind()) ? "the unit cleared the fault."
                    : Alarm.EVENTS_MISSING.equals(found.kind()) ? "the missing events arrived or the unit gave them up."
                    : "the unit is back online."));
        }
        if (!Alarm.FAULT.equals(found.kind())) {
            LOG.infof("%s acknowledged %s alarm %s", who, found.kind().toLowerCase(java.util.Locale.ROOT), alarmId);
            return Uni.createFrom().item(alarms.acknowledge(alarmId, who, note, null));
        }
        return commands.send(found.unitId(), authorization,
                        new GatewayCommandsClient.CommandRequest("acknowledge-fault", 300))
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .onFailure().transform(AlarmAcknowledger::explain)
                .map(answer -> {
                    LOG.infof("%s acknowledged fault %s: command %s sent to %s", who, alarmId, answer.commandId(), found.unitId());
                    return alarms.acknowledge(alarmId, who, note, answer.commandId());
                });
    }

    private static Throwable explain(Throwable failure) {
        if (failure instanceof WebApplicationException web) {
            var status = web.getResponse().getStatus();
            if (status == 401 || status == 403) {
                return new ProblemException(403, "Forbidden",
                        "The gateway does not let your role send commands to units; ask a fleet admin to acknowledge this fault.");
            }
            if (status == 404) {
                return ProblemException.notFound("The gateway no longer knows this unit.");
            }
            if (status == 409) {
                return ProblemException.conflict("The gateway refused the command: the unit cannot take it now.");
            }
        }
        return ProblemException.unavailable("The gateway could not be reached, so the fault was not acknowledged; try again.");
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
