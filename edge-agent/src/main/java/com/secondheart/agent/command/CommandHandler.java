package com.secondheart.agent.command;

import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.Ids;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.CommandType;
import com.secondheart.protocol.device.UnitCommand;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides what a unit does with a command and what it answers. Plain Java, no MQTT: the caller hands in the
 * raw payload and publishes the reply this returns. Call on the unit's reporting thread only (commands are
 * handled one at a time, in arrival order).
 *
 * <p>Order of decisions: unreadable -> no reply (logged once per reason, counted); invalid -> REJECTED with the
 * codec's reason; a command id already answered -> the same reply again, nothing done; expired
 * ({@code now >= expiresAt}, or an emergency stop issued 30 s ago or more) -> EXPIRED, nothing done; then the
 * command itself.
 *
 * <p>The emergency stop has the highest priority: {@link #preemptEmergencyStop} acts on it on arrival, from the
 * MQTT client's thread, before it queues behind other commands and events; {@link #handle} then answers it (and
 * stops again, which changes nothing). It is accepted in any state.
 */
public final class CommandHandler {

    private static final Logger LOG = Logger.getLogger(CommandHandler.class);

    /** For the metrics. */
    public interface Listener {
        /** A reply was decided; {@code duplicate} when it repeats the reply to a command id seen before. */
        default void replied(CommandReply reply, boolean duplicate) {
        }

        /** A payload without a readable command id: nobody can be answered. */
        default void unreadable(RejectReason reason) {
        }
    }

    private final String unitId;
    /** Raised once when the unit learns it lost its state (Unit.onReceipt), so session ids stay unique. */
    private volatile long bootSeq;
    private final UnitControl control;
    private final RecentCommands recent;
    private final ProgramDefaultsStore defaults;
    private final Clock wallClock;
    private final ProtocolCodec codec;
    private final Listener listener;
    private final AtomicLong sessionsThisBoot = new AtomicLong();
    private final Set<RejectReason> loggedUnreadable = EnumSet.noneOf(RejectReason.class);

    public CommandHandler(String unitId, long bootSeq, UnitControl control, RecentCommands recent,
            ProgramDefaultsStore defaults, Clock wallClock, ProtocolCodec codec, Listener listener) {
        this.unitId = unitId;
        this.bootSeq = bootSeq;
        this.control = control;
        this.recent = recent;
        this.defaults = defaults;
        this.wallClock = wallClock;
        this.codec = codec;
        this.listener = listener;
    }

    /** Handles one command payload; the reply to publish, or empty when the payload names no command id. */
    public Optional<CommandReply> handle(byte[] payload) {
        var decoded = codec.decodeCommand(payload);
        if (decoded instanceof Decoded.Invalid<UnitCommand> invalid) {
            return rejectInvalid(payload, invalid);
        }
        var command = decoded.message();
        var known = recent.replyTo(command.commandId());
        if (known.isPresent()) {
            LOG.debugf("unit %s: command %s delivered again; repeating its reply %s", unitId, command.commandId(),
                    known.get().result());
            listener.replied(known.get(), true);
            return known;
        }
        var now = wallClock.instant();
        CommandReply reply;
        if (command.isExpiredAt(now)) {
            LOG.infof("unit %s: %s command %s expired at %s (now %s); not executed", unitId,
                    command.type().wireName(), command.commandId(), command.expiresAt(), now);
            reply = CommandReply.expired(command.commandId(), unitId, now);
        } else {
            reply = switch (command.type()) {
                case START_SESSION -> startSession(command);
                case STOP_SESSION -> stopSession(command);
                case ACKNOWLEDGE_FAULT -> acknowledgeFault(command);
                case SET_CONFIG -> setConfig(command);
                case EMERGENCY_STOP -> emergencyStop(command);
            };
        }
        return Optional.of(remember(reply));
    }

    /**
     * Acts at once on a fresh, valid emergency stop not answered before, on whatever thread the payload arrived;
     * anything else (another command, an invalid, stale or redelivered stop) is left for {@link #handle}. Touches only the control core, which is safe
     * from any thread. @return whether it stopped the unit
     */
    public boolean preemptEmergencyStop(byte[] payload) {
        var decoded = codec.decodeCommand(payload);
        if (!decoded.isValid() || decoded.message().type() != CommandType.EMERGENCY_STOP
                || decoded.message().isExpiredAt(wallClock.instant())
                || recent.replyTo(decoded.message().commandId()).isPresent()) {
            // A redelivered stop was answered already; acting again could latch a session started since.
            return false;
        }
        boolean wasRunning = control.emergencyStop();
        LOG.warnf("unit %s: emergency stop %s on arrival; every zone vented%s", unitId,
                decoded.message().commandId(), wasRunning ? ", session aborted" : "");
        return true;
    }

    private CommandReply emergencyStop(UnitCommand command) {
        var sessionId = control.runningSessionId();
        control.emergencyStop();
        return CommandReply.accepted(command.commandId(), unitId, sessionId.orElse(null), wallClock.instant());
    }

    /** Sessions started from now on are of boot {@code boot} (the unit moved to a new boot while running). */
    public void continueInBoot(long boot) {
        this.bootSeq = boot;
    }

    /** The session id a start would get next: {@code <unitId>-<bootSeq>-<n>}, n counting sessions of this boot. */
    private String nextSessionId() {
        return unitId + "-" + bootSeq + "-" + sessionsThisBoot.incrementAndGet();
    }

    private CommandReply startSession(UnitCommand command) {
        var now = wallClock.instant();
        switch (control.state()) {
            case RUNNING -> {
                return rejected(command, "a session is already running ("
                        + control.runningSessionId().orElse("unknown") + "); stop it before starting another");
            }
            case FAULTED -> {
                return rejected(command, "a fault is latched (" + control.latchedFaultCode().orElse("unknown")
                        + "); acknowledge it before starting a session");
            }
            case IDLE -> {
            }
        }
        var current = defaults.current();
        var problems = control.programProblems(command.start(), current);
        if (!problems.isEmpty()) {
            return rejected(command, "the program is not valid: " + String.join("; ", problems));
        }
        var sessionId = nextSessionId();
        try {
            control.startSession(new UnitControl.StartRequest(sessionId, command.commandId(), command.bookingId(),
                    command.start(), current));
        } catch (IllegalStateException | IllegalArgumentException e) {
            return rejected(command, "the unit refused to start: " + e.getMessage());
        }
        LOG.infof("unit %s: session %s started by command %s%s", unitId, sessionId, command.commandId(),
                command.bookingId() == null ? "" : " for booking " + command.bookingId());
        return CommandReply.accepted(command.commandId(), unitId, sessionId, now);
    }

    private CommandReply stopSession(UnitCommand command) {
        var sessionId = control.runningSessionId();
        if (!control.stopSession()) {
            return rejected(command, "no session is running");
        }
        return CommandReply.accepted(command.commandId(), unitId, sessionId.orElse(null), wallClock.instant());
    }

    private CommandReply acknowledgeFault(UnitCommand command) {
        if (control.state() != UnitControl.State.FAULTED) {
            return rejected(command, "no fault is latched");
        }
        var refusal = control.acknowledgeFault();
        if (refusal.isPresent()) {
            return rejected(command, "the fault cannot be acknowledged yet: " + refusal.get());
        }
        return CommandReply.accepted(command.commandId(), unitId, null, wallClock.instant());
    }

    private CommandReply setConfig(UnitCommand command) {
        var change = defaults.current().apply(command.config());
        if (!change.accepted()) {
            return rejected(command, "the configuration was not applied: " + String.join("; ", change.problems()));
        }
        defaults.set(change.defaults());
        LOG.infof("unit %s: program defaults now %s (from the next session on)", unitId, change.defaults());
        return CommandReply.accepted(command.commandId(), unitId, null, wallClock.instant());
    }

    private CommandReply rejected(UnitCommand command, String reason) {
        LOG.infof("unit %s: %s command %s rejected: %s", unitId, command.type().wireName(), command.commandId(),
                reason);
        return CommandReply.rejected(command.commandId(), unitId, reason, wallClock.instant());
    }

    private Optional<CommandReply> rejectInvalid(byte[] payload, Decoded.Invalid<UnitCommand> invalid) {
        var commandId = readableCommandId(payload);
        if (commandId.isEmpty()) {
            if (loggedUnreadable.add(invalid.reason())) {
                LOG.warnf("unit %s: a command without a readable command id was dropped (%s: %s); further ones "
                        + "with this reason are only counted", unitId, invalid.reason().label(), invalid.detail());
            }
            listener.unreadable(invalid.reason());
            return Optional.empty();
        }
        var known = recent.replyTo(commandId.get());
        if (known.isPresent()) {
            listener.replied(known.get(), true);
            return known;
        }
        LOG.infof("unit %s: command %s is invalid (%s): %s", unitId, commandId.get(), invalid.reason().label(),
                invalid.detail());
        return Optional.of(remember(CommandReply.rejected(commandId.get(), unitId,
                "the command is invalid: " + invalid.detail(), wallClock.instant())));
    }

    private CommandReply remember(CommandReply reply) {
        recent.remember(reply);
        listener.replied(reply, false);
        return reply;
    }

    private Optional<String> readableCommandId(byte[] payload) {
        if (payload == null || payload.length == 0 || payload.length > ProtocolCodec.MAX_PAYLOAD_BYTES) {
            return Optional.empty();
        }
        try {
            var node = codec.mapper().readTree(payload);
            var id = node == null ? null : node.path("commandId").asText(null);
            return Ids.isValid(id) ? Optional.of(id) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
