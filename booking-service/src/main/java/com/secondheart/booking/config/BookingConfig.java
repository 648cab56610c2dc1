package com.secondheart.booking.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The deploy settings of booking-service, the shared {@code sh.*} keys of docs/conventions.md. Each key can be
 * overridden by its environment variable ({@code sh.db.host} by {@code SH_DB_HOST}, and so on).
 * {@code application.properties} builds the Quarkus datasource keys from them.
 */
@ConfigMapping(prefix = "sh")
public interface BookingConfig {

    Db db();

    Mqtt mqtt();

    Gateway gateway();

    Booking booking();

    Privacy privacy();

    Telemetry telemetry();

    interface Db {
        /** PostgreSQL server host. */
        @WithDefault("localhost")
        String host();

        /** PostgreSQL server port. */
        @WithDefault("5432")
        int port();

        /** This service's own database. */
        @WithDefault("sh_booking")
        String name();

        /** Database user (owner of the schema Flyway migrates). */
        @WithDefault("secondheart")
        String user();

        /** Database password; may be set empty for a server that trusts local connections. */
        @WithDefault("secondheart")
        Optional<String> password();
    }

    /** The broker that carries the gateway's fleet topics (events and unit presence). */
    interface Mqtt {
        /** MQTT broker host. */
        @WithDefault("localhost")
        String host();

        /** MQTT broker port. */
        @WithDefault("1883")
        int port();

        /** MQTT client id; unique per replica, the shared subscription groups replicas, not the id. */
        @WithDefault("booking-service-${quarkus.uuid}")
        String clientId();

        /** This service's broker account (SH_MQTT_USERNAME, e.g. booking-service); absent: connect without credentials. */
        Optional<String> username();

        /** Its password (SH_MQTT_PASSWORD). */
        Optional<String> password();
    }

    /** Check-in starts the session on the unit through the gateway's command API. */
    interface Gateway {
        /** Base URL of device-gateway's REST API. */
        @WithDefault("http://localhost:8081")
        String url();
    }

    /** Booking rules that are product choices (BRIEF section 4), each overridable by SH_BOOKING_*. */
    interface Booking {
        /** Step between the start times availability offers (SH_BOOKING_SLOT_STEP). */
        @WithDefault("15m")
        Duration slotStep();

        /** Longest date range one availability request may ask for, in days (SH_BOOKING_MAX_AVAILABILITY_DAYS). */
        @WithDefault("31")
        int maxAvailabilityDays();

        /** A cancellation later than this before the start is LATE, earlier is IN_WINDOW (SH_BOOKING_CANCELLATION_WINDOW). */
        @WithDefault("24h")
        Duration cancellationWindow();

        /** A booking not checked in (or checked in without a session) this long after its start is a no-show (SH_BOOKING_NO_SHOW_GRACE). */
        @WithDefault("15m")
        Duration noShowGrace();

        /** How often the no-show sweep runs (SH_BOOKING_NO_SHOW_SWEEP_EVERY). */
        @WithDefault("60s")
        String noShowSweepEvery();

        /** Earliest check-in before the booked start (SH_BOOKING_CHECK_IN_EARLY). */
        @WithDefault("30m")
        Duration checkInEarly();

        /** How long a contraindication screening stays valid; it must still be valid at the booked start (SH_BOOKING_SCREENING_VALID_FOR). */
        @WithDefault("90d")
        Duration screeningValidFor();

        /** A unit that is faulted or offline is not offered for starts within this time from now (SH_BOOKING_UNAVAILABLE_UNIT_HORIZON). */
        @WithDefault("4h")
        Duration unavailableUnitHorizon();

        /** How long the start command waits at the gateway for the unit; the unit ignores it afterwards (SH_BOOKING_START_COMMAND_EXPIRY). */
        @WithDefault("90s")
        Duration startCommandExpiry();

        /** How long check-in waits for the unit to accept or refuse the start before answering the desk (SH_BOOKING_START_REPLY_WAIT). */
        @WithDefault("5s")
        Duration startReplyWait();

        /** Pause between two looks at the start command while check-in waits for the unit (SH_BOOKING_START_REPLY_POLL). */
        @WithDefault("200ms")
        Duration startReplyPoll();
    }

    /** A client's export reads, and erasure unlinks, their sessions and outcomes in telemetry-service. */
    interface Telemetry {
        /** Base URL of telemetry-service's REST API (SH_TELEMETRY_URL). */
        @WithDefault("http://localhost:8082")
        String url();
    }

    /** A client's personal data: retention and its sweep (docs/security.md, "Personal data"), each overridable by SH_PRIVACY_*. */
    interface Privacy {
        Retention retention();

        interface Retention {
            /**
             * Months the personal data of a client with no booking (and no registration) since is kept, for a clinic
             * that set none of its own (SH_PRIVACY_RETENTION_DEFAULT_MONTHS).
             */
            @WithDefault("24")
            int defaultMonths();

            /** How often the retention sweep looks for clients to erase (SH_PRIVACY_RETENTION_SWEEP_EVERY). */
            @WithDefault("1h")
            Duration sweepEvery();

            /** At most this many clients erased per sweep and transaction (SH_PRIVACY_RETENTION_BATCH). */
            @WithDefault("100")
            int batch();
        }
    }
}
