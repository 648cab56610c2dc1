package com.secondheart.booking.clients.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import java.time.Instant;

/**
 * A client's consent to be messaged on one channel: how they gave it and when (default: now). The body of
 * {@code PUT /clients/{clientId}/consents/{channel}}, and an item of a new client's {@code consents}.
 */
public record ConsentGiven(
        @Pattern(regexp = "(?i)WHATSAPP|SMS|EMAIL", message = "must be WHATSAPP, SMS or EMAIL")
        String channel,

        @NotBlank(message = "is required: AT_DESK, SIGNED_FORM, ONLINE_FORM or CLIENT_MESSAGE")
        @Pattern(regexp = "AT_DESK|SIGNED_FORM|ONLINE_FORM|CLIENT_MESSAGE",
                message = "must be AT_DESK, SIGNED_FORM, ONLINE_FORM or CLIENT_MESSAGE")
        String how,

        Instant givenAt) {
}
