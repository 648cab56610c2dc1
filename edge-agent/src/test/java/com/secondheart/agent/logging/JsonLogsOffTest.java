package com.secondheart.agent.logging;

import com.secondheart.agent.testing.MqttBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without SH_LOG_JSON the console stays plain text for people (./fleet, a developer's terminal). */
@QuarkusTest
@QuarkusTestResource(MqttBrokerResource.class)
class JsonLogsOffTest {

    @Test
    void withoutShLogJsonTheConsoleWritesPlainText() {
        var line = ConsoleLogFormat.format("unit unit-7 connected");

        assertFalse(line.strip().startsWith("{"), () -> "expected plain text, was: " + line);
        assertTrue(line.contains("INFO") && line.contains("unit unit-7 connected"), () -> "was: " + line);
    }
}
