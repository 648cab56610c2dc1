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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge agent is killed (SIGKILL, as in a crash or a power cut) in the middle of a session and started again
 * on the same data directory: the cut-off session is reported aborted for the restart, the unit comes back with
 * the next boot sequence, no event number is lost or doubled, and the unit runs the next session normally.
 */
class AgentCrashMidSessionIT {

    @TempDir
    static Path work;

    private static FleetUnderTest fleet;
    private static long bootSeqBeforeCrash;
    private static String cutOffSessionId;
    private static boolean runningSessionOnDiskAfterCrash;
    private static JsonNode unitAfterRestart;
    private static JsonNode cutOffSession;
    private static String nextSessionId;
    private static JsonNode nextSession;
    private static List<JsonNode> journal;

    @BeforeAll
    static void crashTheAgentMidSessionAndStartItAgain() throws Exception {
        fleet = FleetUnderTest.startOnSecuredBroker("crash", 30, work);
        bootSeqBeforeCrash = fleet.awaitUnitOnline().path("bootSeq").asLong();

        // 10 minutes of program time at 30x: 20 s of wall time, killed a few seconds in.
        cutOffSessionId = fleet.startSession("bk-crash-1", 10);
        fleet.awaitSession(cutOffSessionId, "RUNNING", Duration.ofSeconds(20));
        await("the unit recorded the running session on disk").atMost(Duration.ofSeconds(5))
                .until(fleet::unitRecordsARunningSession);

        fleet.killAgent();
        runningSessionOnDiskAfterCrash = fleet.unitRecordsARunningSession();
        fleet.startAgent();

        unitAfterRestart = await("the unit back online with its next boot").atMost(Duration.ofSeconds(30))
                .until(fleet::unitAtGateway, unit -> "ONLINE".equals(unit.path("state").asText())
                        && unit.path("bootSeq").asLong() > bootSeqBeforeCrash);
        cutOffSession = fleet.awaitSession(cutOffSessionId, "ABORTED", Duration.ofSeconds(30));

        // 5 minutes (the shortest program) at 30x: 10 s of wall time.
        nextSessionId = fleet.startSession("bk-crash-2", 5);
        nextSession = fleet.awaitSession(nextSessionId, "COMPLETED", Duration.ofSeconds(40));
        await("the unit's outbox drained").atMost(Duration.ofSeconds(15)).until(() -> fleet.outboxEvents().isEmpty());
        journal = fleet.journalOfUnit();
    }

    @AfterAll
    static void stopEverything() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void theSessionCutOffByTheCrashIsReportedAbortedBecauseOfTheAgentRestart() {
        assertTrue(runningSessionOnDiskAfterCrash, "the crash left the running session recorded on disk");
        assertEquals("ABORTED", cutOffSession.path("outcome").asText());
        assertEquals("AGENT_RESTART", cutOffSession.path("abortReason").asText());
        assertEquals("bk-crash-1", cutOffSession.path("bookingId").asText());
        assertTrue(cutOffSession.path("runSeconds").asInt() < 10 * 60, "it did not run its ten minutes");

        var aborts = FleetUnderTest.eventsOf(journal, "session.aborted", cutOffSessionId);
        assertEquals(1, aborts.size(), "one abort report for the cut-off session");
        assertEquals(bootSeqBeforeCrash + 1, aborts.get(0).path("bootSeq").asLong(), "reported by the next boot");
        assertTrue(FleetUnderTest.eventsOf(journal, "session.completed", cutOffSessionId).isEmpty());
    }

    @Test
    void theUnitComesBackOnlineAtTheGatewayWithTheNextBootSequence() {
        assertEquals("ONLINE", unitAfterRestart.path("state").asText());
        assertEquals(bootSeqBeforeCrash + 1, unitAfterRestart.path("bootSeq").asLong());
    }

    @Test
    void everyEventSequenceNumberOfTheUnitIsInTheJournalExactlyOnceWithoutGaps() throws Exception {
        fleet.assertJournalHoldsEveryEventOfTheUnitOnce(journal);
    }

    @Test
    void aNewSessionStartsAfterTheRestartAndCompletes() {
        assertNotEquals(cutOffSessionId, nextSessionId);
        assertEquals("COMPLETED", nextSession.path("outcome").asText());
        assertEquals("bk-crash-2", nextSession.path("bookingId").asText());
        assertTrue(nextSession.path("runSeconds").asInt() >= 5 * 60 - 5, "ran its five minutes: " + nextSession);
        var started = FleetUnderTest.eventsOf(journal, "session.started", nextSessionId);
        assertEquals(1, started.size());
        assertEquals(bootSeqBeforeCrash + 1, started.get(0).path("bootSeq").asLong());
    }
}
