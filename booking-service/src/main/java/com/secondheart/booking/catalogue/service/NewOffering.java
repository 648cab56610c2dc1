package com.secondheart.booking.catalogue.service;

import com.secondheart.booking.resources.repository.ResourceType;
import com.secondheart.protocol.device.ProgramMode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /services}. Rules across fields are checked by {@link OfferingService}. */
public record NewOffering(
        @NotNull(message = "is required")
        @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}",
                message = "must be 1-64 lower-case letters, digits or '-', starting with a letter or digit")
        String serviceId,

        @NotBlank(message = "is required")
        @Size(max = 200, message = "must be at most 200 characters")
        String name,

        @NotNull(message = "is required (BOOT_UNIT, MASSAGE_ROOM or THERAPIST)")
        ResourceType resourceType,

        @NotNull(message = "is required")
        @Min(value = 5, message = "must be at least 5 minutes")
        @Max(value = 240, message = "must be at most 240 minutes")
        Integer durationMinutes,

        @Min(value = 0, message = "must not be negative")
        @Max(value = 120, message = "must be at most 120 minutes")
        Integer bufferMinutes,

        ProgramMode programMode,

        @Min(value = 1, message = "must be between 1 and 7")
        @Max(value = 7, message = "must be between 1 and 7")
        Integer intensity) {
}
