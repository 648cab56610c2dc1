package com.secondheart.gateway.registry.service;

/** What a registration asks for; validated by the REST layer's bean constraints. */
public record NewUnit(String unitId, String clinicId, String model, int zonesPerLeg, String firmware) {
}
