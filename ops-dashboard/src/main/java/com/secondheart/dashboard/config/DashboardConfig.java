package com.secondheart.dashboard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

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
