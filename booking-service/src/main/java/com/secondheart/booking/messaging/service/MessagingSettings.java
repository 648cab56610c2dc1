package com.secondheart.booking.messaging.service;

import com.secondheart.booking.clients.service.ContactRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.time.LocalTime;

/** A clinic's messaging settings ({@code PUT /clinics/{clinicId}/messaging}): quiet hours, default language, its number. */
public record MessagingSettings(
        @NotNull(message = "is required (local time, such as 21:00)")
        LocalTime quietHoursStart,

        @NotNull(message = "is required (local time, such as 08:00)")
        LocalTime quietHoursEnd,

        @NotNull(message = "is required")
        @Pattern(regexp = ContactRules.LANGUAGE, message = ContactRules.LANGUAGE_MESSAGE)
        String defaultLanguage,

        @Pattern(regexp = ContactRules.E164, message = ContactRules.E164_MESSAGE)
        String messagingNumber) {
}
