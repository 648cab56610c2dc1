package com.secondheart.agent.unit;

import com.secondheart.agent.command.ProgramDefaults;
import com.secondheart.agent.command.UnitControl;
import com.secondheart.protocol.device.UnitCommand;
import com.secondheart.sequencer.control.AckResult;
import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.control.SessionContext;
import com.secondheart.sequencer.control.SessionInfo;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.program.ProgramValidator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Command handling's view of the pressure-sequencer's control loop. */
public final class LoopControl implements UnitControl {

    private final ControlLoop loop;
    private final int zonesPerLeg;

    private final Runnable beforeAcknowledge;

    public LoopControl(ControlLoop loop, int zonesPerLeg) {
        this(loop, zonesPerLeg, () -> { });
    }

    /** @param beforeAcknowledge runs before a person's acknowledge is tried (the demo's technician, see Unit) */
    public LoopControl(ControlLoop loop, int zonesPerLeg, Runnable beforeAcknowledge) {
        this.loop = loop;
        this.zonesPerLeg = zonesPerLeg;
        this.beforeAcknowledge = beforeAcknowledge;
    }

    /**
     * The program a start-session asks for, with the unit's configured defaults applied. The configured gradient
     * step is the step wanted; like the sequencer's own defaults, it narrows at low intensities so the most
     * proximal zone keeps the validator's minimum set point (20 mmHg over 5 zones at 5 mmHg would end at 0).
     */
    public Program program(UnitCommand.StartSession start, ProgramDefaults defaults) {
        var program = Program.defaults(Mode.valueOf(start.mode().name()), start.intensity(),
                        Duration.ofMinutes(start.durationMinutes()))
                .withZonesPerLeg(zonesPerLeg)
                .withRest(Duration.ofSeconds(defaults.restIntervalSeconds()));
        var widest = zonesPerLeg > 1
                ? (program.distalSetPressureMmHg() - ProgramValidator.MIN_ZONE_SET_POINT_MMHG) / (zonesPerLeg - 1)
                : defaults.gradientStepMmHg();
        return program.withGradientStepMmHg(Math.max(0.0, Math.min(defaults.gradientStepMmHg(), widest)));
    }

    @Override
    public State state() {
        return switch (loop.state()) {
            case IDLE -> State.IDLE;
            case RUNNING -> State.RUNNING;
            case FAULTED -> State.FAULTED;
        };
    }

    @Override
    public Optional<String> latchedFaultCode() {
        return loop.latchedFault().map(fault -> fault.code().name());
    }

    @Override
    public Optional<String> runningSessionId() {
        return loop.currentSession().map(SessionInfo::sessionId);
    }

    @Override
    public List<String> programProblems(UnitCommand.StartSession start, ProgramDefaults defaults) {
        var program = program(start, defaults);
        var problems = new ArrayList<>(ProgramValidator.validate(program, loop.limits()));
        if (program.zonesPerLeg() != loop.plant().zonesPerLeg()) {
            problems.add("the program has " + program.zonesPerLeg() + " zones per leg but the boots have "
                    + loop.plant().zonesPerLeg());
        }
        return problems;
    }

    @Override
    public void startSession(StartRequest request) {
        var result = loop.start(program(request.start(), request.defaults()),
                new SessionContext(request.sessionId(), request.bookingId(), request.commandId()));
        if (!result.accepted()) {
            throw new IllegalStateException(String.join("; ", result.reasons()));
        }
    }

    @Override
    public boolean stopSession() {
        return loop.stop();
    }

    @Override
    public boolean emergencyStop() {
        return loop.emergencyStop();
    }

    @Override
    public Optional<String> acknowledgeFault() {
        beforeAcknowledge.run();
        var result = loop.acknowledgeFault();
        return switch (result) {
            case CLEARED -> Optional.empty();
            case NOTHING_LATCHED -> Optional.of("no fault is latched");
            case PRESSURE_NOT_SAFE -> Optional.of("a zone still reads pressure above the safe residual; "
                    + "wait until the boots are vented");
        };
    }

    /** For the fleet's auto-acknowledge: true when cleared. */
    public boolean tryAcknowledge() {
        return loop.acknowledgeFault() == AckResult.CLEARED;
    }
}
