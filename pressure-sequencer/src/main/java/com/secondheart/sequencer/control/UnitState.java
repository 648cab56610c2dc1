package com.secondheart.sequencer.control;

public enum UnitState {
    IDLE, RUNNING, FAULTED
}
