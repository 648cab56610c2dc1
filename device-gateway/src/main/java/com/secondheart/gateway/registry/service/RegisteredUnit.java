package com.secondheart.gateway.registry.service;

import com.secondheart.protocol.fleet.UnitState;

import java.time.Instant;

/** The answer to a registration: the unit and, this once, its MQTT password. */
public record RegisteredUnit(
        String unitId,
        String clinicId,
        String model,
        int zonesPerLeg,
        String firmware,
        boolean active,
        UnitState state,
        long bootSeq,
        Instant lastSeen,
        Instant stateSince,
        String mqttUsername,
        String mqttPassword) {

    static RegisteredUnit of(UnitView unit, String username, String password) {
        return new RegisteredUnit(unit.unitId(), unit.clinicId(), unit.model(), unit.zonesPerLeg(), unit.firmware(),
                unit.active(), unit.state(), unit.bootSeq(), unit.lastSeen(), unit.stateSince(), username, password);
    }
}
