package com.secondheart.dashboard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The dashboard's own settings, {@code sh.dashboard.*}. Where the upstream services live is not here: that is the
 * shared {@code sh.booking.url}, {@code sh.gateway.url} and {@code sh.telemetry.url}.
 */
@ConfigMapping(prefix = "sh.dashboard")
public interface DashboardConfig {

    /** How often the page asks for a fresh overview; handed to the browser by GET /api/config. */
    @WithDefault("2s")
    Duration pollInterval();

    /** How long one overview may be reused for other requests (many open pages, one upstream round); 0 turns it off. */
    @WithDefault("1s")
    Duration overviewMaxAge();

    /** How the dashboard talks to booking, gateway and telemetry. */
    Upstream upstream();

    /** Signing in with a username and password (the dashboard as the demo identity provider). */
    SignIn signIn();

    /** The live stream to the browser and the fleet topics behind it. */
    Live live();

    /** The front desk (the Desk view): booking, check-in and measurements through booking and telemetry. */
    Desk desk();

    interface Desk {

        /**
         * Booking-service's {@code sh.booking.cancellation-window}, so the desk can say before a cancel whether it will
         * count as late; booking-service alone decides, and its answer is what the booking then shows.
         */
        @WithDefault("24h")
        Duration cancellationWindow();

        /** One call the desk makes on the person's behalf; a check-in waits for the gateway, so longer than a poll. */
        @WithDefault("10s")
        Duration callTimeout();

        /** How many next free starts a "slot taken" answer offers. */
        @WithDefault("3")
        int nextSlotsOffered();
    }

    interface SignIn {

        /**
         * The users file the fleet launcher writes ({@code username:role:clinics:PBKDF2$sha512$...} per line).
         * Absent: password sign-in is off and only tokens from the identity provider are accepted.
         */
        Optional<String> usersFile();

        /** How long a token issued at sign-in is valid; the page returns to the sign-in form when it expires. */
        @WithDefault("8h")
        Duration tokenLifetime();

        /** How failed sign-ins are slowed (docs/security.md, "Attacks"; {@code SignInThrottle}). */
        Throttle throttle();
    }

    interface Throttle {

        /** Failed attempts in a row for one account from one address before each further attempt has to wait. */
        @WithDefault("5")
        int freeFailures();

        /** The first wait; it doubles with every further failure. */
        @WithDefault("2s")
        Duration firstDelay();

        /** The longest wait for one account from one address. */
        @WithDefault("15m")
        Duration maxDelay();

        /** Failed attempts from one address, whatever the accounts, allowed within {@link #addressWindow()}. */
        @WithDefault("30")
        int addressFailures();

        @WithDefault("10m")
        Duration addressWindow();
    }

    interface Live {

        /** Whether to read the gateway's fleet topics over MQTT (presence, events, telemetry); off, states come by polling only. */
        @WithDefault("true")
        boolean mqtt();

        /** How often the server asks the gateway's journal for new faults (the completeness path beside MQTT push). */
        @WithDefault("2s")
        Duration journalEvery();

        /** Pressure samples kept per unit for a clinic page that opens mid-session. */
        @WithDefault("180")
        int telemetrySamples();

        /** How often today's bookings and utilization are read again while anyone watches. */
        @WithDefault("30s")
        Duration todayEvery();

        /** A comment line on every open stream this often, so proxies do not close an idle one. */
        @WithDefault("15s")
        Duration heartbeat();

        /** A unit whose gateway record was not updated for this long counts as "not seen for a day" in fleet health. */
        @WithDefault("24h")
        Duration notSeenAfter();

        /** Resolved alarms (fault cleared, unit back online) stay in the feed this long. */
        @WithDefault("1h")
        Duration resolvedAlarmsKept();
    }

    interface Upstream {

        /** Time allowed to open a connection to an upstream service. */
        @WithDefault("1s")
        Duration connectTimeout();

        /** Time allowed for one upstream response once connected. */
        @WithDefault("2s")
        Duration readTimeout();

        /** Time allowed for everything one source contributes (e.g. all pages of units); past it the source is unavailable. */
        @WithDefault("3s")
        Duration deadline();

        /** Units asked for per page of the gateway's GET /units. */
        @WithDefault("200")
        int unitsPageSize();

        /** Most pages of units read in one overview, a guard against a gateway that ignores paging. */
        @WithDefault("50")
        int unitsMaxPages();

        /** Clinics whose session counts are asked from telemetry at the same time. */
        @WithDefault("4")
        int telemetryConcurrency();
    }
}
