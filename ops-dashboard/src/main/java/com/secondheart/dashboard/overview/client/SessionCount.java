package com.secondheart.dashboard.overview.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One row of telemetry-service's GET /sessions/counts: a unit's sessions at one clinic. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionCount(String unitId, String clinicId, long completed, long aborted, long running, String lastEndedAt) {

    /** The same counts filed under the clinic that was asked for, when telemetry left the clinic out. */
    public SessionCount inClinic(String askedClinicId) {
        return clinicId != null ? this : new SessionCount(unitId, askedClinicId, completed, aborted, running, lastEndedAt);
    }
}
