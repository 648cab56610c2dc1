package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker goes away in the middle of a session and comes back after the session has ended on the unit: the
 * session runs to the end regardless, its events wait in the unit's on-disk outbox, and once the broker is back
 * they reach the gateway's journal and telemetry-service, each exactly once and in sequence.
 */
class AgentSurvivesBrokerOutageIT {

    /** 10 minutes of program time at 30x: 20 s of wall time, long enough to stop the broker well inside it. */
    private static final int SESSION_MINUTES = 10;

    @TempDir
    static Path work;

    private static RestartableBroker broker;
    private static FleetUnderTest fleet;
    private static String sessionId;
    private static List<String> outboxWhileBrokerWasDown;
    private static double outboxDepthMetricWhileBrokerWasDown;
    private static JsonNode storedSession;
    private static List<JsonNode> journal;

    @BeforeAll
    static void runASessionThroughABrokerOutage() throws Exception {
        broker = RestartableBroker.start(work.resolve("broker-data"),
                Path.of("target", "it-logs", "outage-broker").toAbsolutePath());
        fleet = FleetUnderTest.start("outage", broker.host(), broker.port(), 30, work);
        fleet.awaitUnitOnline();

        sessionId = fleet.startSession("bk-outage-1", SESSION_MINUTES);
        // the push or, at the latest, telemetry's journal catch-up brings it; 20 s was once too short in CI
        fleet.awaitSession(sessionId, "RUNNING", Duration.ofSeconds(60));

        broker.stop();
        await("the unit notices the broker is gone").atMost(Duration.ofSeconds(10))
                .until(() -> fleet.agentUnitMetric("sh_agent_mqtt_connected") == 0.0);
        outboxWhileBrokerWasDown = await("the session completes on the unit while the broker is down")
                .atMost(Duration.ofSeconds(3L * SESSION_MINUTES * 60 / 30))
                .until(fleet::outboxEvents,
                        events -> events.stream().anyMatch(AgentSurvivesBrokerOutageIT::completion));
        outboxDepthMetricWhileBrokerWasDown = fleet.agentUnitMetric("sh_agent_outbox_depth");

        broker.startAgain();
        storedSession = fleet.awaitSession(sessionId, "COMPLETED", Duration.ofSeconds(45));
        await("the unit's outbox drained").atMost(Duration.ofSeconds(15)).until(() -> fleet.outboxEvents().isEmpty());
        journal = fleet.journalOfUnit();
    }

    @AfterAll
    static void stopEverything() {
        if (fleet != null) {
            fleet.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theSessionRunsToItsEndWhileTheBrokerIsDownAndItsEventsWaitInTheOutbox() {
        assertTrue(outboxWhileBrokerWasDown.stream().anyMatch(event -> event.contains("\"session.started\"")
                        || event.contains("\"session.phase\"")),
                "events from before the completion wait too, not only the completion: " + outboxWhileBrokerWasDown);
        assertEquals(outboxWhileBrokerWasDown.size(), (int) outboxDepthMetricWhileBrokerWasDown,
                "sh_agent_outbox_depth counts the events waiting on disk");
    }

    @Test
    void telemetryShowsTheSessionCompletedWithItsFullRunTimeOnceTheBrokerIsBack() {
        assertEquals("COMPLETED", storedSession.path("outcome").asText());
        assertEquals(fleet.clinicId(), storedSession.path("clinicId").asText());
        assertEquals("bk-outage-1", storedSession.path("bookingId").asText());
        assertTrue(storedSession.path("runSeconds").asInt() >= SESSION_MINUTES * 60 - 5,
                "the outage neither stopped nor shortened the session: " + storedSession);
    }

    @Test
    void theJournalHoldsEveryEventOfTheUnitExactlyOnceWithContiguousSequenceNumbers() throws Exception {
        fleet.assertJournalHoldsEveryEventOfTheUnitOnce(journal);
        assertEquals(1, FleetUnderTest.eventsOf(journal, "session.started", sessionId).size());
        assertEquals(1, FleetUnderTest.eventsOf(journal, "session.completed", sessionId).size());
    }

    private static boolean completion(String outboxEvent) {
        return outboxEvent.contains("\"session.completed\"") && outboxEvent.contains("\"" + sessionId + "\"");
    }
}
