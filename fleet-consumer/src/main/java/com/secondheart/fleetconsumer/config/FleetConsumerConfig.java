package com.secondheart.fleetconsumer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How this service consumes the fleet's events: pushed over MQTT, completed from the gateway's journal. */
@ConfigMapping(prefix = "sh.fleet")
public interface FleetConsumerConfig {

    /** Short service name used in metric names ({@code sh_<service>_...}) and as the journal cursor's key. */
    String service();

    CatchUp catchUp();

    interface CatchUp {
        /** Whether the journal reader runs; without it, events pushed while the service was down are lost. */
        @WithDefault("true")
        boolean enabled();

        /** Pause between two reads of the journal (the first read happens at start). */
        @WithDefault("5s")
        String every();

        /** Events asked for per request; the gateway serves at most 500. */
        @WithDefault("500")
        int batchSize();

        /**
         * How old (since the gateway received it) a journal entry must be before the catch-up takes it. Younger
         * events belong to the push path: a catch-up that took them too would insert the same processed-event rows
         * as a push transaction still running and wait for its commit (seconds of lock waits at 1,000 events/s in
         * IngestThroughputIT). Pushed events older than this are left to the catch-up in turn.
         */
        @WithDefault("3s")
        Duration settle();

        /** Longest wait for one journal page before the read is given up until the next round. */
        @WithDefault("10s")
        Duration timeout();
    }
}
