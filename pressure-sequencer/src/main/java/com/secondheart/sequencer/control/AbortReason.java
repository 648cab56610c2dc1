package com.secondheart.sequencer.control;

public enum AbortReason {
    STOPPED, EMERGENCY_STOP, FAULT
}
