package com.secondheart.gateway.registry.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** Body of {@code PUT /units/{unitId}/clinic}. */
public record MoveClinicRequest(
        @NotNull(message = "is required")
        @Pattern(regexp = RegisterUnitRequest.ID, message = RegisterUnitRequest.ID_RULE)
        String clinicId) {
}
