package com.secondheart.gateway.command.service;

import com.secondheart.support.security.ClinicScope;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.secondheart.gateway.command.CommandState;
import com.secondheart.gateway.command.repository.CommandEntity;
import com.secondheart.gateway.command.repository.CommandRepository;
import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.registry.service.UnitAdmission;
import com.secondheart.gateway.mqtt.GatewayMqttClient;
import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.registry.repository.UnitRepository;
import com.secondheart.gateway.support.VertxContexts;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.SchemaVersion;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.CommandType;
import com.secondheart.protocol.device.UnitCommand;
import com.secondheart.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Commands to units. A command is stored first (PENDING), then published at QoS 1 on the unit's commands topic
 * when the unit is online (SENT), or later when its birth arrives. Replies move it to ACCEPTED, REJECTED or EXPIRED;
 * the sweep expires what could not be sent in time and times out what was sent but never answered.
 */
@ApplicationScoped
public class CommandService {

    private static final Logger LOG = Logger.getLogger(CommandService.class);

    @Inject
    CommandRepository commands;

    @Inject
    UnitRepository units;

    @Inject
    PresenceService presence;

    @Inject
    GatewayMqttClient mqtt;

    @Inject
    GatewayConfig config;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    /** What clinic staff may send to a unit of their own clinic. */
    public static final List<String> DESK_COMMANDS = List.of(CommandType.STOP_SESSION.wireName(),
            CommandType.ACKNOWLEDGE_FAULT.wireName(), CommandType.EMERGENCY_STOP.wireName());

    /**
     * Stores the command and sends it if the unit is online. Empty item when the unit is unknown or outside
     * {@code scope} (the endpoint decides which of the two a caller may learn).
     */
    public Uni<CommandIssued> issue(String unitId, CommandRequest request, ClinicScope scope) {
        var now = now();
        var commandId = UUID.randomUUID();
        var command = toUnitCommand(request, commandId, now);
        // Once begun, storing and sending run to their end even if the caller hangs up (booking-service's 3 s
        // timeout while this gateway is still starting): a cancellation in the middle of a Hibernate Reactive commit
        // ends in a NullPointerException that Mutiny can only drop and log as an ERROR, and it would leave the
        // command stored but unsent until the sweep. The caller learns the outcome from GET /commands/{id}.
        return Uni.createFrom().emitter(emitter -> storeAndSend(unitId, commandId, command, scope, now)
                .subscribe().with(emitter::complete, emitter::fail));
    }

    private Uni<CommandIssued> storeAndSend(String unitId, UUID commandId, UnitCommand command, ClinicScope scope,
                                            Instant now) {
        return Panache.withTransaction(() -> units.findById(unitId).chain(unit -> {
            if (unit == null || !scope.allows(unit.clinicId)) {
                return Uni.createFrom().<Stored>nullItem();
            }
            if (!unit.active) {
                return Uni.createFrom().failure(ProblemException.conflict(
                        "Unit '" + unitId + "' is decommissioned and takes no commands."));
            }
            var entity = new CommandEntity();
            entity.commandId = commandId;
            entity.unitId = unitId;
            entity.type = command.type().wireName();
            entity.payload = codec.encodeToString(command);
            entity.state = CommandState.PENDING;
            entity.bookingId = command.bookingId();
            entity.createdAt = now;
            entity.updatedAt = now;
            entity.expiresAt = command.expiresAt();
            return commands.persist(entity)
                    .chain(() -> presence.isOnline(unitId))
                    .map(online -> new Stored(entity, online));
        })).chain(stored -> {
            if (stored == null) {
                return Uni.createFrom().nullItem();
            }
            var entity = stored.command();
            LOG.infof("Command %s (%s) for unit %s stored; unit %s", entity.commandId, entity.type, unitId,
                    stored.online() ? "online, sending" : "offline, kept until its birth");
            var state = stored.online() ? send(entity) : Uni.createFrom().item(CommandState.PENDING);
            return state.map(s -> new CommandIssued(entity.commandId, unitId, entity.type, s, entity.expiresAt));
        });
    }

    private record Stored(CommandEntity command, boolean online) {
    }

    /** The command, or an empty item when there is none with that id. */
    @WithSession
    public Uni<CommandView> get(String commandId, ClinicScope scope) {
        var id = parseId(commandId);
        if (id == null) {
            return Uni.createFrom().nullItem();
        }
        return commands.findById(id).chain(command -> {
            if (command == null) {
                return Uni.createFrom().nullItem();
            }
            if (scope.everyClinic()) {
                return Uni.createFrom().item(CommandView.of(command));
            }
            return units.findById(command.unitId).map(unit ->
                    unit != null && scope.allows(unit.clinicId) ? CommandView.of(command) : null);
        });
    }

    /** Sends every PENDING, unexpired command of a unit that just announced itself; how many went out. */
    public Uni<Integer> dispatchPending(String unitId) {
        return Panache.withSession(() -> commands.pendingFor(unitId, now()))
                .chain(this::sendAll);
    }

    /** Expires, times out, and re-sends what a failed publish or a crash left PENDING for an online unit. */
    public Uni<SweepResult> sweep() {
        var now = now();
        var grace = config.commands().replyGrace();
        return Panache.withTransaction(() -> commands.expirePending(now)
                        .chain(expired -> commands.timeOutSent(now, now.minus(grace))
                                .map(timedOut -> new SweepResult(expired, timedOut, 0))))
                .chain(result -> Panache.withSession(() -> commands.pendingForOnlineUnits(now, now.minusSeconds(2), 100))
                        .chain(this::sendAll)
                        .map(resent -> new SweepResult(result.expired(), result.timedOut(), resent)));
    }

    public record SweepResult(int expired, int timedOut, int resent) {
    }

    /** What a reply did. */
    public record ReplyApplied(UnitAdmission.Refused refused, CommandState state, Duration roundTrip, String note) {
    }

    /** Applies a unit's reply in its own transaction. */
    public Uni<ReplyApplied> applyReply(CommandReply reply, Instant receivedAt) {
        return Panache.withTransaction(() -> units.findById(reply.unitId()).chain(unit -> {
            var refused = UnitAdmission.check(unit, reply.unitId());
            if (refused != null) {
                return Uni.createFrom().item(new ReplyApplied(refused, null, null, null));
            }
            var id = parseId(reply.commandId());
            return presence.touch(reply.unitId(), receivedAt)
                    .chain(() -> id == null ? Uni.createFrom().<CommandEntity>nullItem() : commands.findById(id))
                    .map(command -> {
                        if (command == null || !command.unitId.equals(reply.unitId())) {
                            return new ReplyApplied(null, null, null,
                                    "no command '" + reply.commandId() + "' was sent to unit " + reply.unitId());
                        }
                        if (!command.state.awaitsReply()) {
                            return new ReplyApplied(null, command.state, null,
                                    "command " + command.commandId + " is already " + command.state);
                        }
                        command.state = switch (reply.result()) {
                            case ACCEPTED -> CommandState.ACCEPTED;
                            case REJECTED -> CommandState.REJECTED;
                            case EXPIRED -> CommandState.EXPIRED;
                        };
                        command.reason = reply.reason();
                        command.sessionId = reply.sessionId();
                        command.updatedAt = now();
                        var roundTrip = command.sentAt == null ? null : Duration.between(command.sentAt, receivedAt);
                        return new ReplyApplied(null, command.state, roundTrip, null);
                    });
        }));
    }

    private Uni<Integer> sendAll(List<CommandEntity> pending) {
        if (pending.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(pending)
                .onItem().transformToUniAndConcatenate(this::send)
                .collect().asList()
                .map(states -> (int) states.stream().filter(state -> state == CommandState.SENT).count());
    }

    /**
     * Claims the command (PENDING to SENT) and publishes it; gives the claim back when the publish fails. The state
     * it ends in: SENT, PENDING (publish failed), or whatever another sender or the sweep made of it.
     */
    private Uni<CommandState> send(CommandEntity command) {
        var payload = command.payload.getBytes(StandardCharsets.UTF_8);
        var topic = Topics.commands(command.unitId);
        return Panache.withTransaction(() -> commands.claimForSending(command.commandId, now()))
                .chain(claimed -> {
                    if (!claimed) {
                        return Panache.withSession(() -> commands.findById(command.commandId)).map(c -> c.state);
                    }
                    return VertxContexts.fromStage(() -> mqtt.publish(topic, payload, MqttQos.AT_LEAST_ONCE, false))
                            .map(ignored -> {
                                LOG.debugf("Command %s sent to %s", command.commandId, topic);
                                return CommandState.SENT;
                            })
                            .onFailure().recoverWithUni(failure -> {
                                LOG.warnf("Command %s could not be published to %s (%s); it stays PENDING and is "
                                        + "retried by the sweep", command.commandId, topic, failure.getMessage());
                                return Panache.withTransaction(() -> commands.releaseClaim(command.commandId, now()))
                                        .map(ignored -> CommandState.PENDING);
                            });
                });
    }

    private UnitCommand toUnitCommand(CommandRequest request, UUID commandId, Instant now) {
        if (request == null) {
            throw ProblemException.badRequest("The request needs a JSON body with at least a 'type'.");
        }
        var kinds = Arrays.stream(CommandType.values()).map(CommandType::wireName).collect(Collectors.joining(", "));
        if (request.type() == null || request.type().isBlank()) {
            throw ProblemException.badRequest("type is required: one of " + kinds + ".");
        }
        var type = CommandType.fromWire(request.type()).orElseThrow(() -> ProblemException.badRequest(
                "type '" + clip(request.type()) + "' is not a command; use one of " + kinds + "."));
        var maxExpiry = config.commands().maxExpiry();
        var expiry = config.commands().defaultExpiry();
        if (request.expiresInSeconds() != null) {
            if (request.expiresInSeconds() < 1 || request.expiresInSeconds() > maxExpiry.toSeconds()) {
                throw ProblemException.badRequest("expiresInSeconds must be between 1 and " + maxExpiry.toSeconds()
                        + ", was " + request.expiresInSeconds() + ".");
            }
            expiry = Duration.ofSeconds(request.expiresInSeconds());
        }
        if (type != CommandType.START_SESSION && request.start() != null) {
            throw ProblemException.badRequest("start belongs only to a start-session command.");
        }
        if (type != CommandType.SET_CONFIG && request.config() != null) {
            throw ProblemException.badRequest("config belongs only to a set-config command.");
        }
        UnitCommand.StartSession start = null;
        if (request.start() != null) {
            var s = request.start();
            if (s.intensity() == null || s.durationMinutes() == null) {
                throw ProblemException.badRequest("start needs mode, intensity (1-7) and durationMinutes (5-60).");
            }
            start = new UnitCommand.StartSession(s.mode(), s.intensity(), s.durationMinutes());
        }
        var command = new UnitCommand(SchemaVersion.CURRENT, commandId.toString(), type, now, now.plus(expiry),
                request.bookingId(), start, request.config());
        var problems = command.violations();
        if (!problems.isEmpty()) {
            throw ProblemException.badRequest("The command is not valid: " + String.join("; ", problems) + ".");
        }
        return command;
    }

    private static UUID parseId(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String clip(String value) {
        var printable = value.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
