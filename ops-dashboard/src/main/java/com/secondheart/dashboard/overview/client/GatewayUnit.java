package com.secondheart.dashboard.overview.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A unit as device-gateway's GET /units describes it. Times stay text here: the assembler reads them leniently so
 * that an unexpected time format costs one field, not the whole overview.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GatewayUnit(String unitId, String clinicId, String model, Integer zonesPerLeg, String firmware,
                          Boolean active, String state, Long bootSeq, String lastSeen, String stateSince) {
}
