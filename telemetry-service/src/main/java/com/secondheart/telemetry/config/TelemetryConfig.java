package com.secondheart.telemetry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The deploy settings of telemetry-service, the shared {@code sh.*} keys of docs/conventions.md. Each key can be
 * overridden by its environment variable ({@code sh.db.host} by {@code SH_DB_HOST}, and so on).
 * {@code application.properties} builds the Quarkus datasource and MQTT keys from them.
 */
@ConfigMapping(prefix = "sh")
public interface TelemetryConfig {

    Db db();

    Mqtt mqtt();

    Gateway gateway();

    interface Db {
        /** PostgreSQL server host. */
        @WithDefault("localhost")
        String host();

        /** PostgreSQL server port. */
        @WithDefault("5432")
        int port();

        /** This service's own database. */
        @WithDefault("sh_telemetry")
        String name();

        /** Database user (owner of the schema Flyway migrates). */
        @WithDefault("secondheart")
        String user();

        /** Database password; may be set empty for a server that trusts local connections. */
        @WithDefault("secondheart")
        Optional<String> password();
    }

    interface Mqtt {
        /** MQTT broker host. */
        @WithDefault("localhost")
        String host();

        /** MQTT broker port. */
        @WithDefault("1883")
        int port();

        /** MQTT client id; unique per replica, the shared subscription groups replicas, not the id. */
        @WithDefault("telemetry-service-${quarkus.uuid}")
        String clientId();

        /** This service's broker account (SH_MQTT_USERNAME); absent for a broker that lets anyone in. */
        Optional<String> username();

        /** Its password (SH_MQTT_PASSWORD). */
        Optional<String> password();
    }

    interface Gateway {
        /** Base URL of device-gateway's REST API, read for its event journal. */
        @WithDefault("http://localhost:8081")
        String url();
    }
}
