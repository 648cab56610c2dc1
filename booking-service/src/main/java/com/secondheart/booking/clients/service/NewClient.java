package com.secondheart.booking.clients.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /clinics/{clinicId}/clients}: a name to call the client by and, optionally, one contact. */
public record NewClient(
        @NotBlank(message = "is required")
        @Size(max = 100, message = "must be at most 100 characters")
        String displayName,

        @Size(max = 200, message = "must be at most 200 characters")
        String contact) {
}
