package com.secondheart.gateway.config;

import com.secondheart.protocol.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Every setting of the gateway under {@code sh.gateway}; each is overridable by its environment variable. */
@ConfigMapping(prefix = "sh.gateway")
public interface GatewayConfig {

    Mqtt mqtt();

    Ingest ingest();

    Presence presence();

    Commands commands();

    Registry registry();

    Metrics metrics();

    Receipts receipts();

    interface Receipts {

        /**
         * How often journal receipts go out: every unit with events settled since the last round gets one receipt per
         * round (so at most one per unit per interval, whatever its event rate), computed for all of them at once.
         */
        @WithDefault("200ms")
        Duration interval();

        /**
         * How long a unit's events may be missing from the journal (a sequence number known, from a later event or a
         * birth's lastSeq, with an earlier one neither journaled nor refused) before it counts as EVENTS_MISSING in
         * {@code sh_gateway_units_events_missing} and the alarm. Longer than the agents' receipt timeout (10 s), so a
         * unit re-sending what a broker dropped fills the gap first.
         */
        @WithDefault("60s")
        Duration missingAfter();

        /** How often the shared database is asked which units have events missing (one indexed query). */
        @WithDefault("5s")
        String missingCheck();
    }

    interface Mqtt {

        /** MQTT client id; pin it per replica (SH_GATEWAY_MQTT_CLIENT_ID) so a restart resumes the persistent session. */
        String clientId();

        /**
         * Shared-subscription group that gateway replicas join to split the device stream. The brokers let the gateway
         * account join only its own group ({@code device-gateway}; docs/security.md, "Attacks") or one granted to it.
         */
        @WithDefault(Topics.GATEWAY_SHARE_GROUP)
        String shareGroup();

        /**
         * Whether the device topics are read through the share group (true, required as soon as two replicas run) or
         * with plain subscriptions (false: one replica only, every replica would get every message). The broker must
         * allow the gateway account the plain filters too.
         */
        @WithDefault("true")
        boolean shared();

        /** How long the broker keeps the session (and queues QoS 1 messages) while the gateway is away. */
        @WithDefault("3600s")
        Duration sessionExpiry();

        /**
         * Most unacknowledged QoS 1 messages the broker may have in flight to this gateway (MQTT 5 Receive Maximum).
         * The protocol's largest value by default: the HiveMQ client drops the connection (reason 0x93) as soon as a
         * broker sends more than this, and Mosquitto 2.0.11 does exactly that once a backlog builds up (after each
         * PUBACK it sends up to a whole window more, eclipse-mosquitto/mosquitto#2301), which with a small value
         * turns every burst into a reconnect loop while the broker's queue overflows. The gateway's own backlog is
         * then bounded by what the broker holds for its session; watch {@code sh_gateway_ingest_backlog}. A smaller
         * value is safe only with a broker that honours it (HiveMQ does).
         */
        @WithDefault("65535")
        int receiveMaximum();

        /** How long the start waits for the first connection before going on (reconnect continues in the background). */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Longest wait between two reconnect attempts. */
        @WithDefault("10s")
        Duration reconnectMaxDelay();

        /** How long a publish may wait for the broker's acknowledgement before it counts as failed. */
        @WithDefault("10s")
        Duration publishTimeout();

        /**
         * A QoS 1 message still unacknowledged this long after it arrived, while the database answers and nothing
         * waits on the lanes or for the journal, is taken as orphaned (its processing was abandoned: a lane shut down,
         * a hand-off thrown away): the gateway drops and re-opens its connection (session kept), so that the broker
         * delivers every unacknowledged message again. Ingest is idempotent on the event id, so a copy costs nothing.
         */
        @WithDefault("60s")
        Duration redeliverAfter();

        /** How often the unacknowledged messages are checked for {@link #redeliverAfter()}. */
        @WithDefault("5s")
        Duration redeliverCheck();
    }

    interface Ingest {

        /** Number of ordered processing lanes; all messages of one unit go through the same lane, in order. */
        @WithDefault("4")
        int lanes();

        /**
         * Most events journaled in one transaction (group commit): the committer takes whatever has queued up to
         * this many, so batches are small when the load is light and large under a burst.
         */
        @WithDefault("1000")
        int batchMax();

        /**
         * Most admitted events waiting for their journal commit; when full, the lanes wait (and with them the MQTT
         * client's window, so the broker holds the rest). Nothing in it is acknowledged yet.
         */
        @WithDefault("20000")
        int batchQueue();

        /**
         * Most fleet event pushes waiting for the broker's acknowledgement; past it a push is skipped and counted
         * (the services catch up from the journal), so a burst cannot fill the heap with waiting publishes.
         */
        @WithDefault("2000")
        int handoffMaxPending();

        /** Telemetry (QoS 0) is dropped when a lane has more than this many messages waiting. */
        @WithDefault("1000")
        int telemetryBacklogLimit();

        /**
         * Attempts after which a message whose processing keeps failing for a reason other than its content (database
         * down, ...) is logged as an error and counted; the lane goes on trying (it never drops or acknowledges it).
         */
        @WithDefault("8")
        int maxAttempts();

        /** Longest pause between two attempts of a failing message. */
        @WithDefault("5s")
        Duration retryMaxDelay();

        /**
         * Longest wait of an ingest lane (or a scheduled job) for one database call. A hung PostgreSQL (frozen, a
         * lock never released, a half-open connection) then fails the call instead of holding the lane for ever: the
         * message stays unacknowledged and is tried again. Also sent to the server as {@code statement_timeout}
         * (application.properties) so a statement stuck on a lock frees its connection.
         */
        @WithDefault("10s")
        Duration dbTimeout();

        /** Longest wait for one group commit of the journal (one transaction of up to batch-max events). */
        @WithDefault("30s")
        Duration journalTimeout();

        /** How many (unit, reason) pairs are remembered so that each rejection is logged once. */
        @WithDefault("10000")
        int rejectLogMemory();
    }

    interface Presence {

        /** last_seen is written at most this often per unit for telemetry and replies (events and status always write it). */
        @WithDefault("5s")
        Duration lastSeenResolution();
    }

    interface Commands {

        /** Expiry of a command whose request names none. */
        @WithDefault("120s")
        Duration defaultExpiry();

        /** Longest expiry a request may ask for. */
        @WithDefault("1h")
        Duration maxExpiry();

        /** How often expired PENDING and unanswered SENT commands are swept. */
        @WithDefault("5s")
        String sweepInterval();

        /** How long after its expiry a SENT command may still be answered before it is TIMED_OUT. */
        @WithDefault("10s")
        Duration replyGrace();
    }

    interface Registry {

        /**
         * How long a unit's registration (clinic, active, firmware) is remembered for ingest, so that an event or a
         * telemetry summary needs no registry query. A register, move or decommission made through this replica takes
         * effect at once; one made through another replica is seen here at most this long afterwards (a
         * decommissioned unit's messages may still be accepted, and a moved unit's still carry its old clinic, for
         * that long). 0 turns the cache off.
         */
        @WithDefault("5s")
        Duration cacheTtl();

        /** Most units remembered; past that the cache starts over (a larger fleet just reads the registry more). */
        @WithDefault("10000")
        int cacheSize();
    }

    interface Metrics {

        /**
         * How often {@code sh_gateway_units{clinic,state}} is recounted from the presence table (one grouped query on
         * a worker thread, never per scrape). Every replica counts the whole fleet from the shared database.
         */
        @WithDefault("5s")
        String unitsRefresh();
    }
}
