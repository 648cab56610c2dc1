package com.secondheart.dashboard.overview.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A clinic as booking-service's GET /clinics describes it (only the fields the dashboard shows). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BookingClinic(String clinicId, String name, String timeZone) {
}
