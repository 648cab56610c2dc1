package com.secondheart.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class IdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"device-gateway", "device-gateway-0", "Device-Gateway", "device-gateway-accounts",
            "telemetry-service", "telemetry-service-7f9c", "booking-service", "ops-dashboard-1", "observer", "admin",
            "ADMIN", "root", "mosquitto", "", "$SYS", "unit/1", "unit+", "#", "-unit", "a1234567890123456789012345678901234567890123456789012345678901234"})
    void serviceAccountsBrokerAdministratorsTheirClientIdsAndMalformedIdsAreNoUnitIds(String id) {
        assertNotNull(Ids.whyNotAUnitId(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"unit-hb-04", "unit-rv-03", "SH-5-000123", "gateway", "observers", "administrator",
            "booking", "unit.42_a"})
    void ordinaryUnitIdsAreAccepted(String id) {
        assertNull(Ids.whyNotAUnitId(id));
    }
}
