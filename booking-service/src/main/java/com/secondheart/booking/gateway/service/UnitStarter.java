package com.secondheart.booking.gateway.service;

import com.secondheart.booking.config.BookingConfig;
import com.secondheart.booking.gateway.client.GatewayCommandsClient;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * Starts a booked session on its unit through the gateway and gives the desk a clear answer: the unit took it
 * (or has it and has not answered yet), or a problem saying why not, in a sentence.
 * <ul>
 *   <li>the unit is offline (the gateway keeps the command PENDING): 409;</li>
 *   <li>the unit refused, with its reason (a session running, a fault latched, ...): 409;</li>
 *   <li>the gateway unknown unit or decommissioned: 409;</li>
 *   <li>the gateway unreachable, slow or its circuit open: 503, try again shortly.</li>
 * </ul>
 * No client data goes to the gateway or the unit: the booking id and the program only.
 */
@ApplicationScoped
public class UnitStarter {

    private static final Logger LOG = Logger.getLogger(UnitStarter.class);
    private static final Set<String> ANSWERED = Set.of("ACCEPTED", "REJECTED", "EXPIRED", "TIMED_OUT");

    private final GatewayCommands gateway;
    private final BookingConfig config;

    private final Clock clock;

    public UnitStarter(GatewayCommands gateway, BookingConfig config, Clock clock) {
        this.clock = clock;
        this.gateway = gateway;
        this.config = config;
    }

    /** The command the unit took: ACCEPTED (with its session id) or still SENT when it has not answered in time. */
    public record Started(String commandId, String state, String sessionId) {
    }

    public Uni<Started> start(String unitId, String bookingId, String mode, int intensity, int durationMinutes) {
        var expiry = (int) Math.max(1, Math.min(3600, config.booking().startCommandExpiry().toSeconds()));
        var request = new GatewayCommandsClient.StartRequest("start-session", bookingId, expiry,
                new GatewayCommandsClient.StartRequest.Start(mode, intensity, durationMinutes));
        var deadline = clock.instant().plus(config.booking().startReplyWait());
        return gateway.issue(unitId, request)
                .chain(issued -> {
                    if ("PENDING".equals(issued.state())) {
                        throw ProblemException.conflict("Unit '" + unitId + "' is offline, so the session did not start. "
                                + "If the unit reconnects within " + expiry + " seconds it still starts; otherwise check "
                                + "the unit or move the booking to another unit.");
                    }
                    return awaitAnswer(issued.commandId(), unitId, deadline);
                })
                .map(command -> switch (command.state()) {
                    case "ACCEPTED" -> new Started(command.commandId(), command.state(), command.sessionId());
                    case "REJECTED" -> throw ProblemException.conflict("Unit '" + unitId + "' refused to start the session: "
                            + (command.reason() == null ? "it gave no reason" : command.reason()) + ".");
                    case "EXPIRED" -> throw ProblemException.conflict("Unit '" + unitId
                            + "' received the start command after it had expired; check in again.");
                    case "TIMED_OUT" -> throw ProblemException.unavailable("Unit '" + unitId
                            + "' did not answer the start command; check the unit and try again.");
                    default -> new Started(command.commandId(), command.state(), null);
                })
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(failure -> {
                    LOG.warnf("starting a session on unit %s through the gateway failed: %s", unitId, failure.toString());
                    if (failure instanceof CircuitBreakerOpenException) {
                        return ProblemException.unavailable("The gateway is not answering at the moment, so the session "
                                + "cannot be started; try again shortly.");
                    }
                    if (failure instanceof TimeoutException) {
                        return ProblemException.unavailable("The gateway did not answer in time, so the session may not "
                                + "have started; try again shortly.");
                    }
                    return ProblemException.unavailable("The gateway cannot be reached, so the session cannot be started; "
                            + "try again shortly.");
                });
    }

    private Uni<GatewayCommandsClient.Command> awaitAnswer(String commandId, String unitId, Instant deadline) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(config.booking().startReplyPoll())
                .chain(() -> gateway.command(commandId, unitId))
                .chain(command -> ANSWERED.contains(command.state()) || !clock.instant().isBefore(deadline)
                        ? Uni.createFrom().item(command)
                        : awaitAnswer(commandId, unitId, deadline));
    }
}
