package com.secondheart.sequencer.control;

import com.secondheart.sequencer.program.Program;

/** @param setPointsMmHg per zone, 0 most distal; the same on both legs */
public record SessionInfo(SessionContext context, Program program, long startedAtNanos, double[] setPointsMmHg) {

    public SessionInfo {
        setPointsMmHg = setPointsMmHg.clone();
    }

    @Override
    public double[] setPointsMmHg() {
        return setPointsMmHg.clone();
    }

    public String sessionId() {
        return context.sessionId();
    }
}
