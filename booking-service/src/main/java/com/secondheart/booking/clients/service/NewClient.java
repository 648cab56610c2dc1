package com.secondheart.booking.clients.service;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * The body of {@code POST /clinics/{clinicId}/clients}: a name to call the client by and, optionally, a phone
 * number (E.164), an email address, a preferred language, and consents per channel. {@code contact} is the older
 * single free-text field: still accepted, and read as the phone or email when it is one and those are not given.
 */
public record NewClient(
        @NotBlank(message = "is required")
        @Size(max = 100, message = "must be at most 100 characters")
        String displayName,

        @Size(max = 200, message = "must be at most 200 characters")
        String contact,

        @Pattern(regexp = ContactRules.E164, message = ContactRules.E164_MESSAGE)
        String phone,

        @Size(max = 254, message = "must be at most 254 characters")
        @Pattern(regexp = ContactRules.EMAIL, message = ContactRules.EMAIL_MESSAGE)
        String email,

        @Pattern(regexp = ContactRules.LANGUAGE, message = ContactRules.LANGUAGE_MESSAGE)
        String preferredLanguage,

        @Size(max = 3, message = "names each channel at most once")
        List<@Valid ConsentGiven> consents) {
}
