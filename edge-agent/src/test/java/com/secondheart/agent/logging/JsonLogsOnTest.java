package com.secondheart.agent.logging;

import com.secondheart.agent.testing.MqttBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SH_LOG_JSON=true, the one setting compose and k8s use, turns the console into one JSON object per line. */
@QuarkusTest
@QuarkusTestResource(MqttBrokerResource.class)
@TestProfile(JsonLogsOnTest.JsonLogsOn.class)
class JsonLogsOnTest {

    public static class JsonLogsOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the name the environment variable has: application.properties reads ${SH_LOG_JSON:false}
            return Map.of("SH_LOG_JSON", "true");
        }
    }

    @Test
    void withShLogJsonTrueEachConsoleLineIsAJsonObjectWithLevelLoggerAndMessage() {
        var line = ConsoleLogFormat.format("unit unit-7 connected");

        var json = Json.createReader(new StringReader(line.strip())).readObject();
        assertEquals("unit unit-7 connected", json.getString("message"));
        assertEquals("INFO", json.getString("level"));
        assertEquals("com.secondheart.agent.logging", json.getString("loggerName"));
        assertEquals(1, line.strip().lines().count(), () -> "one line per record, was:\n" + line);
    }
}
