package com.secondheart.gateway.registry.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /units}. */
public record RegisterUnitRequest(
        @NotNull(message = "is required")
        @Pattern(regexp = ID, message = ID_RULE)
        String unitId,

        @NotNull(message = "is required")
        @Pattern(regexp = ID, message = ID_RULE)
        String clinicId,

        @NotBlank(message = "is required")
        @Size(max = 64, message = "must be at most 64 characters")
        String model,

        @NotNull(message = "is required")
        @Min(value = 2, message = "must be between 2 and 8")
        @Max(value = 8, message = "must be between 2 and 8")
        Integer zonesPerLeg,

        @Size(max = 64, message = "must be at most 64 characters")
        String firmware) {

    /** The id rule of {@link com.secondheart.protocol.Ids}: ids appear in MQTT topics. */
    static final String ID = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";
    static final String ID_RULE = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
}
