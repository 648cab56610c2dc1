package com.secondheart.sequencer.control;

import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Records every event. The lists are plain: read them on the loop's thread, or after a loop thread has stopped.
 * The latches let another thread wait for the loop thread meanwhile.
 */
final class RecordingListener implements SequencerListener {

    record Aborted(SessionSummary summary, AbortReason reason, FaultCode fault) {
    }

    record PhaseChange(Phase phase, int cycle) {
    }

    final List<String> log = new ArrayList<>();
    final List<SessionInfo> started = new ArrayList<>();
    final List<PhaseChange> phases = new ArrayList<>();
    final List<SessionSummary> completed = new ArrayList<>();
    final List<Aborted> aborted = new ArrayList<>();
    final List<Fault> faults = new ArrayList<>();
    final List<FaultCode> cleared = new ArrayList<>();
    final List<TelemetrySecond> telemetry = new ArrayList<>();
    /** Counted down when a session first enters its {@link Phase#HOLDING} phase. */
    final CountDownLatch firstHold = new CountDownLatch(1);
    /** Counted down when the first session completes or is aborted. */
    final CountDownLatch sessionEnded = new CountDownLatch(1);

    @Override
    public void onSessionStarted(SessionInfo session) {
        started.add(session);
        log.add("started " + session.sessionId());
    }

    @Override
    public void onPhaseChanged(String sessionId, Phase phase, int cycle) {
        phases.add(new PhaseChange(phase, cycle));
        log.add("phase " + phase + " " + cycle);
        if (phase == Phase.HOLDING) {
            firstHold.countDown();
        }
    }

    @Override
    public void onSessionCompleted(SessionSummary summary) {
        completed.add(summary);
        log.add("completed " + summary.sessionId());
        sessionEnded.countDown();
    }

    @Override
    public void onSessionAborted(SessionSummary summary, AbortReason reason, FaultCode fault) {
        aborted.add(new Aborted(summary, reason, fault));
        log.add("aborted " + reason + (fault == null ? "" : " " + fault));
        sessionEnded.countDown();
    }

    @Override
    public void onFaultRaised(Fault fault) {
        faults.add(fault);
        log.add("fault " + fault.code());
    }

    @Override
    public void onFaultCleared(FaultCode code) {
        cleared.add(code);
        log.add("cleared " + code);
    }

    @Override
    public void onTelemetrySecond(TelemetrySecond second) {
        telemetry.add(second);
    }
}
