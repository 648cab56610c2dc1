package com.secondheart.booking.messaging.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A clinic's own text for one kind of message in one language ({@code PUT /clinics/{clinicId}/message-templates/{kind}/{language}}).
 * Placeholders: {name} {clinic} {service} {date} {time}. Never health details: the placeholders offer none.
 */
public record TemplateText(
        @NotBlank(message = "is required")
        @Size(max = 200, message = "must be at most 200 characters")
        String subject,

        @NotBlank(message = "is required")
        @Size(max = 1000, message = "must be at most 1000 characters")
        String body,

        @Pattern(regexp = "^[a-z0-9_]{1,512}$", message = "must be the approved WhatsApp template's name (lower case, digits, underscores)")
        String whatsappTemplate) {
}
