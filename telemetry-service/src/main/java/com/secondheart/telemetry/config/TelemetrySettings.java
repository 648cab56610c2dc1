package com.secondheart.telemetry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** What telemetry-service decides on its own (keys {@code sh.telemetry.*}, env {@code SH_TELEMETRY_*}). */
@ConfigMapping(prefix = "sh.telemetry")
public interface TelemetrySettings {

    Sessions sessions();

    Trace trace();

    Outcomes outcomes();

    Aggregates aggregates();

    interface Sessions {
        /** How long after its planned end a session with no end event is closed as ABORTED (UNIT_LOST). */
        @WithDefault("15m")
        Duration lostAfter();

        /** How often the sweep for lost sessions runs (every replica may run it; it is idempotent). */
        @WithDefault("60s")
        String sweepEvery();

        /** Sessions closed per sweep at most, so that one sweep stays a short transaction. */
        @WithDefault("500")
        int sweepBatch();
    }

    interface Trace {
        /** Whether per-second telemetry is stored as downsampled pressure traces at all. */
        @WithDefault("true")
        boolean enabled();

        /** One stored trace row per session and this many seconds (zone means averaged, maxima kept). */
        @WithDefault("5s")
        Duration bucket();

        /** How long traces are kept for audit; whole day partitions older than this are dropped. */
        @WithDefault("400d")
        Duration retention();

        /** Day partitions created ahead of today (and behind, for late telemetry). */
        @WithDefault("7")
        int partitionsAhead();

        /**
         * A device time further than this from the gateway's receive time (ahead or behind) is not trusted: the sample
         * is kept at its receive time and its row flagged ({@code device_time_suspect}), counted in
         * {@code sh_telemetry_trace_device_time_outside_window_total}, so that a unit with a wrong clock can neither
         * create partitions far ahead nor write into expired days.
         */
        @WithDefault("10m")
        Duration deviceTimeWindow();

        /** How often partitions are created ahead and expired ones dropped. */
        @WithDefault("1h")
        String maintenanceEvery();
    }

    interface Outcomes {
        /** A volume change (percent of the before volume) beyond this is flagged meaningful (test-retest 3.4-3.8 %). */
        @WithDefault("3.8")
        double meaningfulVolumePercent();

        /** A figure-of-eight change beyond this many cm is flagged meaningful (measurement error about 0.2 cm). */
        @WithDefault("0.5")
        double meaningfulFigureOfEightCm();

        /** Smallest leg circumference accepted, cm (an adult ankle is rarely under 15 cm). */
        @WithDefault("10")
        double minCircumferenceCm();

        /** Largest leg circumference accepted, cm (a lymphoedematous thigh may exceed 100 cm). */
        @WithDefault("150")
        double maxCircumferenceCm();

        /** Smallest figure-of-eight ankle measure accepted, cm. */
        @WithDefault("30")
        double minFigureOfEightCm();

        /** Largest figure-of-eight ankle measure accepted, cm. */
        @WithDefault("100")
        double maxFigureOfEightCm();
    }

    interface Aggregates {
        /** Longest date range one aggregate request may cover, in days. */
        @WithDefault("400")
        int maxDays();
    }
}
