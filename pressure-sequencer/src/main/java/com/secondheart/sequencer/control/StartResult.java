package com.secondheart.sequencer.control;

import java.util.List;

/** @param reasons sentences for the reply when refused; empty when accepted */
public record StartResult(boolean accepted, Refusal refusal, List<String> reasons, SessionInfo session) {

    public enum Refusal {
        SESSION_RUNNING, FAULT_LATCHED, INVALID_PROGRAM
    }

    public StartResult {
        reasons = List.copyOf(reasons);
    }

    static StartResult accepted(SessionInfo session) {
        return new StartResult(true, null, List.of(), session);
    }

    static StartResult refused(Refusal refusal, List<String> reasons) {
        return new StartResult(false, refusal, reasons, null);
    }
}
