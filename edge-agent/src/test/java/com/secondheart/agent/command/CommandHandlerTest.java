package com.secondheart.agent.command;

import com.secondheart.agent.unit.LoopControl;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.UnitCommand;
import com.secondheart.protocol.golden.GoldenPayloads;
import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.safety.SafetyLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command decisions, fed the contract's golden command payloads. */
class CommandHandlerTest {

    private static final String UNIT = "unit-0001";
    /** The golden start-session was issued 09:00:55 and expires 09:02:55. */
    private static final Instant BEFORE_EXPIRY = Instant.parse("2026-11-24T09:01:00Z");
    private static final Instant AT_EXPIRY = Instant.parse("2026-11-24T09:02:55Z");

    @TempDir
    Path dir;

    /** A unit core reduced to a few fields. */
    static final class FakeControl implements UnitControl {
        State state = State.IDLE;
        String fault;
        String session;
        List<String> problems = List.of();
        Optional<String> ackRefusal = Optional.empty();
        final List<StartRequest> starts = new ArrayList<>();
        int stops;

        @Override
        public State state() {
            return state;
        }

        @Override
        public Optional<String> latchedFaultCode() {
            return Optional.ofNullable(fault);
        }

        @Override
        public Optional<String> runningSessionId() {
            return Optional.ofNullable(session);
        }

        @Override
        public List<String> programProblems(UnitCommand.StartSession start, ProgramDefaults defaults) {
            return problems;
        }

        @Override
        public void startSession(StartRequest request) {
            starts.add(request);
            state = State.RUNNING;
            session = request.sessionId();
        }

        @Override
        public boolean stopSession() {
            if (state != State.RUNNING) {
                return false;
            }
            stops++;
            state = State.IDLE;
            session = null;
            return true;
        }

        int emergencyStops;

        @Override
        public boolean emergencyStop() {
            emergencyStops++;
            boolean wasRunning = state == State.RUNNING;
            state = State.FAULTED;
            fault = "EMERGENCY_STOP";
            session = null;
            return wasRunning;
        }

        @Override
        public Optional<String> acknowledgeFault() {
            if (ackRefusal.isEmpty()) {
                state = State.IDLE;
                fault = null;
            }
            return ackRefusal;
        }
    }

    private final FakeControl control = new FakeControl();
    private final List<RejectReason> unreadable = new ArrayList<>();
    private final List<Boolean> duplicates = new ArrayList<>();

    private CommandHandler handler(UnitControl unitControl, Instant now, RecentCommands recent,
            ProgramDefaultsStore defaults) {
        return new CommandHandler(UNIT, 7, unitControl, recent, defaults, Clock.fixed(now, ZoneOffset.UTC),
                ProtocolCodec.shared(), new CommandHandler.Listener() {
                    @Override
                    public void replied(CommandReply reply, boolean duplicate) {
                        duplicates.add(duplicate);
                    }

                    @Override
                    public void unreadable(RejectReason reason) {
                        unreadable.add(reason);
                    }
                });
    }

    private CommandHandler handler(Instant now) {
        return handler(control, now, RecentCommands.inMemory(16), ProgramDefaultsStore.inMemory(ProgramDefaults.standard()));
    }

    private static byte[] golden(String name) {
        return GoldenPayloads.bytes(name);
    }

    @Test
    void theGoldenStartSessionBeforeItsExpiryIsAcceptedAndStartsASessionWithItsBooking() {
        var reply = handler(BEFORE_EXPIRY).handle(golden("command-start-session.json")).orElseThrow();

        assertEquals(CommandReply.Result.ACCEPTED, reply.result());
        assertEquals("cmd-8f2e61", reply.commandId());
        assertEquals("unit-0001-7-1", reply.sessionId());
        assertEquals(1, control.starts.size());
        var start = control.starts.get(0);
        assertEquals("bk-2001", start.bookingId());
        assertEquals("cmd-8f2e61", start.commandId());
        assertEquals(20, start.start().durationMinutes());
        assertTrue(reply.violations().isEmpty(), "the reply satisfies the contract");
    }

    @Test
    void aCommandReceivedAtOrAfterItsExpiryIsAnsweredExpiredAndDoesNothing() {
        var reply = handler(AT_EXPIRY).handle(golden("command-start-session.json")).orElseThrow();

        assertEquals(CommandReply.Result.EXPIRED, reply.result());
        assertEquals(0, control.starts.size());
        assertTrue(ProtocolCodec.shared().decodeReply(ProtocolCodec.shared().encode(reply)).isValid());
    }

    @Test
    void theSameStartSessionDeliveredTwiceStartsOneSessionAndGetsTheSameReplyTwice() {
        var handler = handler(BEFORE_EXPIRY);

        var first = handler.handle(golden("command-start-session.json")).orElseThrow();
        var second = handler.handle(golden("command-start-session.json")).orElseThrow();

        assertEquals(1, control.starts.size());
        assertEquals(first, second);
        assertEquals(CommandReply.Result.ACCEPTED, second.result());
        assertEquals(List.of(false, true), duplicates);
    }

    @Test
    void aRedeliveryAfterARestartIsStillRecognisedBecauseRepliesAreKeptOnDisk() {
        var file = dir.resolve("recent-commands.json");
        var defaults = ProgramDefaultsStore.inMemory(ProgramDefaults.standard());
        var first = handler(control, BEFORE_EXPIRY, RecentCommands.open(file, 16, true), defaults)
                .handle(golden("command-start-session.json")).orElseThrow();

        var afterRestart = new FakeControl();
        var again = handler(afterRestart, BEFORE_EXPIRY, RecentCommands.open(file, 16, true), defaults)
                .handle(golden("command-start-session.json")).orElseThrow();

        assertEquals(first, again);
        assertEquals(0, afterRestart.starts.size());
    }

    @Test
    void aStartWhileASessionRunsIsRejectedWithTheRunningSessionNamed() {
        control.state = UnitControl.State.RUNNING;
        control.session = "unit-0001-7-3";

        var reply = handler(BEFORE_EXPIRY).handle(golden("command-start-session.json")).orElseThrow();

        assertEquals(CommandReply.Result.REJECTED, reply.result());
        assertTrue(reply.reason().contains("already running (unit-0001-7-3)"), reply.reason());
        assertEquals(0, control.starts.size());
    }

    @Test
    void aStartWhileAFaultIsLatchedIsRejectedUntilTheFaultIsAcknowledged() {
        control.state = UnitControl.State.FAULTED;
        control.fault = "OVER_PRESSURE";

        var reply = handler(BEFORE_EXPIRY).handle(golden("command-start-session.json")).orElseThrow();

        assertEquals(CommandReply.Result.REJECTED, reply.result());
        assertEquals("a fault is latched (OVER_PRESSURE); acknowledge it before starting a session", reply.reason());
    }

    @Test
    void aProgramTheSequencerWouldRefuseIsRejectedWithTheValidatorsReasons() {
        var loop = new ControlLoop(new SimulatedPlant(2, 5, 1), SafetyLimits.defaults(), new VirtualClock(), null);
        var realControl = new LoopControl(loop, 5);
        // A 300 s rest makes one cycle longer than a 5-minute session.
        var defaults = ProgramDefaultsStore.inMemory(new ProgramDefaults(300, 5));
        var command = GoldenPayloads.text("command-start-session.json")
                .replace("\"durationMinutes\":20", "\"durationMinutes\":5");

        var reply = handler(realControl, BEFORE_EXPIRY, RecentCommands.inMemory(4), defaults)
                .handle(command.getBytes(StandardCharsets.UTF_8)).orElseThrow();

        assertEquals(CommandReply.Result.REJECTED, reply.result());
        assertTrue(reply.reason().startsWith("the program is not valid: one cycle takes at least"), reply.reason());
        assertEquals(com.secondheart.sequencer.control.UnitState.IDLE, loop.state());
    }

    @Test
    void theLowestIntensityWithTheDefaultGradientStepStillGetsAProgramTheSequencerAccepts() {
        var loop = new ControlLoop(new SimulatedPlant(2, 5, 1), SafetyLimits.defaults(), new VirtualClock(), null);
        var command = GoldenPayloads.text("command-start-session.json").replace("\"intensity\":4", "\"intensity\":1");

        var reply = handler(new LoopControl(loop, 5), BEFORE_EXPIRY, RecentCommands.inMemory(4),
                ProgramDefaultsStore.inMemory(ProgramDefaults.standard()))
                .handle(command.getBytes(StandardCharsets.UTF_8)).orElseThrow();

        assertEquals(CommandReply.Result.ACCEPTED, reply.result(), reply.reason());
        assertEquals(com.secondheart.sequencer.control.UnitState.RUNNING, loop.state());
    }

    @Test
    void anInvalidGoldenCommandWithAReadableIdIsRejectedWithTheCodecsReason() {
        for (var name : GoldenPayloads.INVALID_COMMANDS) {
            var reply = handler(BEFORE_EXPIRY).handle(golden(name)).orElseThrow();

            assertEquals(CommandReply.Result.REJECTED, reply.result(), name);
            assertTrue(reply.reason().startsWith("the command is invalid: "), reply.reason());
            assertTrue(reply.violations().isEmpty(), name);
        }
        assertEquals(0, control.starts.size());
    }

    @Test
    void aPayloadWithoutAReadableCommandIdGetsNoReplyAndIsCounted() {
        var handler = handler(BEFORE_EXPIRY);

        assertEquals(Optional.empty(), handler.handle("{not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), handler.handle("{\"v\":1,\"type\":\"start-session\"}".getBytes(StandardCharsets.UTF_8)));

        assertEquals(List.of(RejectReason.MALFORMED_JSON, RejectReason.INVALID_FIELD), unreadable);
    }

    @Test
    void everyValidGoldenCommandGetsAReplyTheContractAccepts() {
        var handler = handler(Instant.parse("2026-11-24T09:01:00Z"));
        for (var name : GoldenPayloads.VALID_COMMANDS) {
            var reply = handler.handle(golden(name)).orElseThrow();
            assertTrue(ProtocolCodec.shared().decodeReply(ProtocolCodec.shared().encode(reply)).isValid(), name);
        }
    }

    @Test
    void aStopStopsTheRunningSessionAndAStopWithNoneRunningIsRejected() {
        var stopAt = Instant.parse("2026-11-24T09:10:05Z");
        control.state = UnitControl.State.RUNNING;
        control.session = "unit-0001-7-1";

        var reply = handler(stopAt).handle(golden("command-stop-session.json")).orElseThrow();
        assertEquals(CommandReply.Result.ACCEPTED, reply.result());
        assertEquals("unit-0001-7-1", reply.sessionId());
        assertEquals(1, control.stops);

        var again = GoldenPayloads.text("command-stop-session.json").replace("cmd-8f2e62", "cmd-other");
        var rejected = handler(stopAt).handle(again.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertEquals("no session is running", rejected.reason());
    }

    @Test
    void acknowledgingWithNothingLatchedOrPressureStillInTheBootsIsRejectedWithTheReason() {
        var at = Instant.parse("2026-11-24T09:35:00Z");
        var nothing = handler(at).handle(golden("command-acknowledge-fault.json")).orElseThrow();
        assertEquals("no fault is latched", nothing.reason());

        control.state = UnitControl.State.FAULTED;
        control.fault = "LEAK";
        control.ackRefusal = Optional.of("a zone still reads pressure above the safe residual");
        var command = GoldenPayloads.text("command-acknowledge-fault.json").replace("cmd-8f2e63", "cmd-ack-2");
        var notSafe = handler(at).handle(command.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertEquals(CommandReply.Result.REJECTED, notSafe.result());
        assertTrue(notSafe.reason().contains("safe residual"), notSafe.reason());

        control.ackRefusal = Optional.empty();
        var command3 = GoldenPayloads.text("command-acknowledge-fault.json").replace("cmd-8f2e63", "cmd-ack-3");
        assertEquals(CommandReply.Result.ACCEPTED,
                handler(at).handle(command3.getBytes(StandardCharsets.UTF_8)).orElseThrow().result());
    }

    @Test
    void setConfigAppliesKnownSettingsToTheNextSessionsAndRejectsUnknownOnesWithoutApplyingAny() {
        var defaults = ProgramDefaultsStore.inMemory(new ProgramDefaults(45, 8));
        var at = Instant.parse("2026-11-24T09:00:00Z");
        var handler = handler(control, at, RecentCommands.inMemory(8), defaults);

        var accepted = handler.handle(golden("command-set-config.json")).orElseThrow();
        assertEquals(CommandReply.Result.ACCEPTED, accepted.result());
        assertEquals(new ProgramDefaults(30, 5), defaults.current());

        var unknown = UnitCommand.of("cmd-cfg-2", com.secondheart.protocol.device.CommandType.SET_CONFIG, at,
                at.plusSeconds(60));
        unknown = new UnitCommand(1, unknown.commandId(), unknown.type(), unknown.issuedAt(), unknown.expiresAt(), null,
                null, Map.of("restIntervalSeconds", "10", "turbo", "on"));
        var rejected = handler.handle(ProtocolCodec.shared().encode(unknown)).orElseThrow();
        assertEquals(CommandReply.Result.REJECTED, rejected.result());
        assertTrue(rejected.reason().contains("unknown setting 'turbo'"), rejected.reason());
        assertEquals(new ProgramDefaults(30, 5), defaults.current(), "nothing applied");
    }

    /** The golden emergency stop was issued 09:20:00 and expires 09:21:00; the unit honours it until 09:20:30. */
    @Test
    void anEmergencyStopIsAcceptedInAnyStateAndStopsTheUnit() {
        var at = Instant.parse("2026-11-24T09:20:10Z");
        control.state = UnitControl.State.RUNNING;
        control.session = "unit-0001-7-1";

        var reply = handler(at).handle(golden("command-emergency-stop.json")).orElseThrow();

        assertEquals(CommandReply.Result.ACCEPTED, reply.result());
        assertEquals("unit-0001-7-1", reply.sessionId());
        assertEquals(1, control.emergencyStops);
        assertEquals(UnitControl.State.FAULTED, control.state);

        var another = new String(golden("command-emergency-stop.json"), StandardCharsets.UTF_8)
                .replace("cmd-8f2e64", "cmd-8f2e65");
        assertEquals(CommandReply.Result.ACCEPTED,
                handler(at).handle(another.getBytes(StandardCharsets.UTF_8)).orElseThrow().result(),
                "accepted with a fault already latched");
        assertEquals(2, control.emergencyStops);
    }

    @Test
    void anEmergencyStopOlderThanThirtySecondsIsExpiredAndDoesNothingEvenBeforeItsExpiry() {
        var late = Instant.parse("2026-11-24T09:20:30Z");
        control.state = UnitControl.State.RUNNING;
        control.session = "a later client's session";
        var handler = handler(late);

        assertFalse(handler.preemptEmergencyStop(golden("command-emergency-stop.json")));
        var reply = handler.handle(golden("command-emergency-stop.json")).orElseThrow();

        assertEquals(CommandReply.Result.EXPIRED, reply.result());
        assertEquals(0, control.emergencyStops);
        assertEquals(UnitControl.State.RUNNING, control.state);
    }

    @Test
    void aFreshEmergencyStopIsActedOnOnArrivalAndOnlyOnce() {
        var at = Instant.parse("2026-11-24T09:20:05Z");
        control.state = UnitControl.State.RUNNING;
        var handler = handler(at);

        assertTrue(handler.preemptEmergencyStop(golden("command-emergency-stop.json")), "acted on arrival");
        assertEquals(1, control.emergencyStops);
        assertFalse(handler.preemptEmergencyStop(golden("command-stop-session.json")), "only an emergency stop");
        assertEquals(CommandReply.Result.ACCEPTED,
                handler.handle(golden("command-emergency-stop.json")).orElseThrow().result());

        // The broker delivers it again after staff acknowledged and a new session started: nothing happens.
        control.state = UnitControl.State.RUNNING;
        assertFalse(handler.preemptEmergencyStop(golden("command-emergency-stop.json")));
        handler.handle(golden("command-emergency-stop.json"));
        assertEquals(UnitControl.State.RUNNING, control.state);
        assertEquals(2, control.emergencyStops, "once on arrival, once (harmlessly) when answered");
    }

    @Test
    void anEmergencyStopOnARealControlLoopVentsEveryZoneBeforeItReturnsAndLatches() {
        var plant = new SimulatedPlant(2, 5, 1);
        var clock = new VirtualClock();
        var loop = new ControlLoop(plant, SafetyLimits.defaults(), clock, null);
        var start = handler(new LoopControl(loop, 5), BEFORE_EXPIRY, RecentCommands.inMemory(4),
                ProgramDefaultsStore.inMemory(ProgramDefaults.standard())).handle(golden("command-start-session.json"));
        assertEquals(CommandReply.Result.ACCEPTED, start.orElseThrow().result());
        for (int i = 0; i < 150; i++) {
            clock.advance(ControlLoop.DEFAULT_TICK.toNanos());
            plant.step(ControlLoop.DEFAULT_TICK.toNanos());
            loop.tick();
        }
        assertTrue(plant.pumpCommanded() || plant.maxTruePressureMmHg() > 10, "the boots were filling");

        var handler = handler(new LoopControl(loop, 5), Instant.parse("2026-11-24T09:20:01Z"),
                RecentCommands.inMemory(4), ProgramDefaultsStore.inMemory(ProgramDefaults.standard()));
        assertTrue(handler.preemptEmergencyStop(golden("command-emergency-stop.json")));

        assertFalse(plant.pumpCommanded());
        for (int z = 0; z < 5; z++) {
            assertTrue(plant.exhaustCommanded(0, z) && plant.exhaustCommanded(1, z), "zone " + z + " venting");
            assertFalse(plant.inletCommanded(0, z) || plant.inletCommanded(1, z));
        }
        assertEquals(com.secondheart.sequencer.control.UnitState.FAULTED, loop.state());
        assertEquals("EMERGENCY_STOP", loop.latchedFault().orElseThrow().code().name());
        assertEquals(CommandReply.Result.ACCEPTED,
                handler.handle(golden("command-emergency-stop.json")).orElseThrow().result());
    }
}
