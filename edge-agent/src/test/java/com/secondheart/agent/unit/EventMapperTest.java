package com.secondheart.agent.unit;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.control.AbortReason;
import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.control.Phase;
import com.secondheart.sequencer.control.SequencerListener;
import com.secondheart.sequencer.control.SessionContext;
import com.secondheart.sequencer.control.SessionInfo;
import com.secondheart.sequencer.control.SessionSummary;
import com.secondheart.sequencer.control.TelemetrySecond;
import com.secondheart.sequencer.control.VirtualTimeRunner;
import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever the sequencer reports must become payloads the contract's decoder accepts. */
class EventMapperTest {

    private final List<EventData> events = new ArrayList<>();
    private final List<Object> telemetry = new ArrayList<>();
    private SessionInfo current;

    private final SequencerListener collector = new SequencerListener() {
        @Override
        public void onSessionStarted(SessionInfo session) {
            current = session;
            events.add(EventMapper.started(session));
        }

        @Override
        public void onPhaseChanged(String sessionId, Phase phase, int cycle) {
            events.add(EventMapper.phase(sessionId, phase, cycle));
        }

        @Override
        public void onSessionCompleted(SessionSummary summary) {
            events.add(EventMapper.completed(summary));
        }

        @Override
        public void onSessionAborted(SessionSummary summary, AbortReason reason, FaultCode fault) {
            events.add(EventMapper.aborted(summary, EventMapper.reason(reason), fault));
        }

        @Override
        public void onFaultRaised(Fault fault) {
            events.add(EventMapper.faultRaised(fault, current == null ? null : current.sessionId()));
        }

        @Override
        public void onFaultCleared(FaultCode code) {
            events.add(EventMapper.faultCleared(code));
        }

        @Override
        public void onTelemetrySecond(TelemetrySecond second) {
            telemetry.add(EventMapper.telemetry("unit-0001", second, current.setPointsMmHg(), Instant.now()));
        }
    };

    private void assertAllDecode() {
        var codec = ProtocolCodec.shared();
        long seq = 1;
        for (var data : events) {
            var event = UnitEvent.of("unit-0001", seq++, 3, Instant.now(), data);
            var decoded = codec.decodeEvent(codec.encode(event));
            assertTrue(decoded.isValid(), () -> data + " -> " + decoded);
            assertEquals(event, decoded.message());
        }
    }

    @Test
    void aWholeSessionRunInVirtualTimeMapsToEventsAndTelemetryTheDecoderAccepts() {
        var clock = new VirtualClock();
        var plant = new SimulatedPlant(2, 5, 7);
        var loop = new ControlLoop(plant, SafetyLimits.defaults(), clock, collector);
        var runner = new VirtualTimeRunner(loop, clock, plant::step);

        var result = loop.start(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 4, Duration.ofMinutes(5)),
                new SessionContext("unit-0001-3-1", "bk-1", "cmd-1"));
        assertTrue(result.accepted(), () -> String.join("; ", result.reasons()));
        assertTrue(runner.runUntilIdle(Duration.ofMinutes(10)));

        assertTrue(events.get(0) instanceof EventData.SessionStarted);
        assertTrue(events.get(events.size() - 1) instanceof EventData.SessionCompleted,
                () -> "last event: " + events.get(events.size() - 1));
        assertTrue(events.stream().filter(EventData.SessionPhase.class::isInstance).count() > 4);
        assertAllDecode();
        assertTrue(telemetry.size() >= 290, "about one summary per second of program time");
        var codec = ProtocolCodec.shared();
        for (var summary : telemetry) {
            assertNotNull(summary);
            assertTrue(codec.decodeTelemetry(codec.encode(summary)).isValid());
        }
    }

    @Test
    void aFaultInASessionMapsToAFaultRaisedAndAnAbortedSessionTheDecoderAccepts() {
        var clock = new VirtualClock();
        var plant = new SimulatedPlant(2, 5, 7);
        var loop = new ControlLoop(plant, SafetyLimits.defaults(), clock, collector);
        var runner = new VirtualTimeRunner(loop, clock, plant::step);
        loop.start(Program.defaults(Mode.PULSE, 5, Duration.ofMinutes(5)), SessionContext.local("unit-0001-3-2"));
        runner.runFor(Duration.ofSeconds(3));

        plant.inject(PlantFault.SENSOR_DRIFT, 1, 2);
        plant.inject(PlantFault.HOSE_DISCONNECT, 0, 0);
        runner.runUntilIdle(Duration.ofMinutes(5));

        assertTrue(events.stream().anyMatch(EventData.FaultRaised.class::isInstance), events::toString);
        var aborted = events.stream().filter(EventData.SessionAborted.class::isInstance)
                .map(EventData.SessionAborted.class::cast).findFirst().orElseThrow();
        assertEquals(EventData.SessionAborted.AbortReason.FAULT, aborted.reason());
        assertAllDecode();
    }
}
