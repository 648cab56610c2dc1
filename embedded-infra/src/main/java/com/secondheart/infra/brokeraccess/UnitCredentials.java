package com.secondheart.infra.brokeraccess;

/** Where the broker checks a unit's password (the unit id is the MQTT username). May block: called off the broker's I/O threads. */
@FunctionalInterface
public interface UnitCredentials {

    /** True when {@code unitId} is an active unit and {@code password} is its current MQTT password. */
    boolean check(String unitId, String password);
}
