package com.secondheart.booking.messaging.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /clients/{clientId}/conversation}: what staff answer, in free text. */
public record StaffReply(
        @NotBlank(message = "is required")
        @Size(max = 1000, message = "must be at most 1000 characters")
        String text) {
}
