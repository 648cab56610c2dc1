package com.secondheart.agent.command;

import com.secondheart.protocol.device.UnitCommand;

import java.util.List;
import java.util.Optional;

/**
 * What command handling needs from a unit's control core. The unit package implements it over the
 * pressure-sequencer's control loop; tests implement it with a few fields.
 */
public interface UnitControl {

    enum State {
        IDLE, RUNNING, FAULTED
    }

    /** Everything a session start needs; the session id is chosen before the start so the reply can carry it. */
    record StartRequest(String sessionId, String commandId, String bookingId, UnitCommand.StartSession start,
            ProgramDefaults defaults) {
    }

    State state();

    /** The code of the latched fault, if one is latched. */
    Optional<String> latchedFaultCode();

    /** The id of the running session, if one runs. */
    Optional<String> runningSessionId();

    /** Why the program would be refused, in sentences; empty when it is valid. */
    List<String> programProblems(UnitCommand.StartSession start, ProgramDefaults defaults);

    /**
     * Starts the session.
     *
     * @throws IllegalStateException with a readable message when the control core refuses (e.g. a fault
     *                               latched between the check and the start)
     */
    void startSession(StartRequest request);

    /** Stops the running session (venting all zones); false when none runs. */
    boolean stopSession();

    /**
     * The emergency stop: vents every zone at once and latches EMERGENCY_STOP, in any state; safe to call from any
     * thread. @return whether a session was running
     */
    boolean emergencyStop();

    /** Acknowledges the latched fault; the reason it cannot be, or empty when it was cleared. */
    Optional<String> acknowledgeFault();
}
