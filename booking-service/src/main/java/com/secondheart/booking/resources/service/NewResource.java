package com.secondheart.booking.resources.service;

import com.secondheart.booking.resources.repository.ResourceType;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /clinics/{clinicId}/resources}. Whether {@code unitId} is needed depends on the type;
 * {@link ResourceService} checks that.
 */
public record NewResource(
        @NotNull(message = "is required")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
                message = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        String resourceId,

        @NotNull(message = "is required (BOOT_UNIT, MASSAGE_ROOM or THERAPIST)")
        ResourceType type,

        @NotBlank(message = "is required")
        @Size(max = 200, message = "must be at most 200 characters")
        String name,

        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
                message = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        String unitId) {
}
