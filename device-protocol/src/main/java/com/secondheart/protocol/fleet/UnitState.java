package com.secondheart.protocol.fleet;

/** What operations staff see for a unit. */
public enum UnitState {
    ONLINE, IN_SESSION, FAULTED, OFFLINE
}
