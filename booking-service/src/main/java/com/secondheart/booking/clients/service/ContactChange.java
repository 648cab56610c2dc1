package com.secondheart.booking.clients.service;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /clients/{clientId}/contact}: the whole contact, a missing field clears it. */
public record ContactChange(
        @Pattern(regexp = ContactRules.E164, message = ContactRules.E164_MESSAGE)
        String phone,

        @Size(max = 254, message = "must be at most 254 characters")
        @Pattern(regexp = ContactRules.EMAIL, message = ContactRules.EMAIL_MESSAGE)
        String email,

        @Pattern(regexp = ContactRules.LANGUAGE, message = ContactRules.LANGUAGE_MESSAGE)
        String preferredLanguage) {
}
