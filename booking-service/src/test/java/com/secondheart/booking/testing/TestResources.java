package com.secondheart.booking.testing;

import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * The servers every test of this module runs against, one set for the whole test run: test-support's real
 * PostgreSQL (a fresh database) and MQTT broker (SH_TEST_PG_HOST / SH_TEST_MQTT_HOST, else embedded ones), and
 * a fake device-gateway HTTP API ({@link FakeGateway}) for start commands and the journal, and the messaging
 * providers' stand-ins ({@link MessagingStandIns}: WireMock for WhatsApp and Twilio, GreenMail for SMTP), and telemetry-service's API as export and erasure call it ({@link FakeTelemetry}).
 */
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeGateway.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = MessagingStandIns.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeTelemetry.class, restrictToAnnotatedClass = false)
public final class TestResources {

    private TestResources() {
    }
}
