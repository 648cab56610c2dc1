package com.secondheart.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The agent's settings ({@code sh.agent.*}); each can be overridden by its environment variable. */
@ConfigMapping(prefix = "sh.agent")
public interface AgentConfig {

    /** Root of the agent's local state; each unit keeps boot/event sequences, outbox and session under data-dir/unitId. */
    @WithDefault("agent-data")
    String dataDir();

    /** Unit ids this JVM runs, comma-separated (one for a real unit); when absent, fleet.count units are generated. */
    Optional<List<String>> units();

    /**
     * The units' broker passwords (SH_AGENT_CREDENTIALS_FILE): a properties file of {@code unitId=password} lines, as
     * the gateway issues them at registration; keep it readable by the agent only (0600). Each unit connects with its
     * unit id as username and client id. Absent: the units connect without credentials (an open broker only).
     */
    Optional<String> credentialsFile();

    /** Program time runs this many times faster than wall time (demo fleets); 1 on a real unit. */
    @WithDefault("1")
    double timeScale();

    /** How the control loop is driven: real-time (dedicated 50 Hz thread per unit), virtual (paced virtual time, never misses a tick) or auto (real-time at time-scale 1, else virtual). */
    @WithDefault("auto")
    String loopRunner();

    /** Firmware version the unit reports in its birth and death. */
    @WithDefault("0.1.0")
    String firmware();

    /** Hardware model the unit reports in its birth. */
    @WithDefault("SH-Boot-5")
    String model();

    /** Zones per leg of the boots (BRIEF product choice: 5). */
    @WithDefault("5")
    int zonesPerLeg();

    /** Force every durable write (outbox, sequences) to disk with fsync; only a demo fleet on a slow disk turns this off. */
    @WithDefault("true")
    boolean fsync();

    /**
     * Events leave a unit's outbox only on the gateway's journal receipt; when no receipt moves for this long while
     * events wait unconfirmed, they are sent again (the gateway deduplicates). 0 deletes on the broker's PUBACK
     * instead, for a gateway that sends no receipts (one that may lose what a broker drops).
     */
    @WithDefault("10s")
    java.time.Duration receiptTimeout();

    /** How many recent command ids (with their replies) each unit remembers to answer redeliveries without acting twice. */
    @WithDefault("256")
    int commandMemory();

    /** How long the broker keeps a unit's MQTT session (subscription, queued commands) while it is offline. */
    @WithDefault("P1D")
    Duration sessionExpiry();

    /** MQTT keep-alive; a dead connection is noticed (and the death published by the broker) within about 1.5 times this. */
    @WithDefault("30s")
    Duration keepAlive();

    /** First delay of the automatic reconnect; it doubles up to reconnect-max-delay, with random spread. */
    @WithDefault("500ms")
    Duration reconnectInitialDelay();

    /** Longest delay between reconnect attempts. */
    @WithDefault("30s")
    Duration reconnectMaxDelay();

    /** Threads shared by all units for reporting (outbox writes, publishing, commands); each unit's work stays in order. */
    @WithDefault("4")
    int reportingThreads();

    Fleet fleet();

    /** Fleet-simulator settings ({@code sh.agent.fleet.*}). */
    interface Fleet {

        /** Number of simulated units when sh.agent.units is not set. */
        @WithDefault("1")
        int count();

        /** Unit id prefix for generated units: prefix + 4-digit number, e.g. unit-0001. */
        @WithDefault("unit-")
        String prefix();

        /** Seed of the simulated plants (each unit gets seed + its index) and of the fault injector. */
        @WithDefault("42")
        long seed();

        /** Demo: inject a random plant fault into a random running unit this often (wall time); absent = never. */
        Optional<Duration> faultEvery();

        /** Demo: acknowledge a latched fault after this long (wall time), clearing the injected plant fault; absent = never. */
        @WithName("auto-acknowledge-after")
        Optional<Duration> autoAcknowledgeAfter();
    }
}
