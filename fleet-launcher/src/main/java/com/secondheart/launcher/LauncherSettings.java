package com.secondheart.launcher;

import java.nio.file.Path;

/** Where the fleet runs; each value can be changed by an environment variable of the same name. */
record LauncherSettings(
        Path root,
        Path dataDir,
        int postgresPort,
        int mqttPort,
        int dashboardPort,
        int gatewayPort,
        int telemetryPort,
        int bookingPort,
        int agentPort,
        int timeScale,
        String faultEvery,
        String faultAutoAcknowledgeAfter) {

    static LauncherSettings fromEnvironment() {
        var root = Path.of(env("SH_FLEET_ROOT", System.getProperty("user.dir"))).toAbsolutePath().normalize();
        return new LauncherSettings(
                root,
                // absolute: the services get paths under it and may run from their own directory (ServiceProcess)
                Path.of(env("SH_FLEET_DATA_DIR", root.resolve("fleet-launcher/target/fleet-data").toString()))
                        .toAbsolutePath().normalize(),
                port("SH_FLEET_POSTGRES_PORT", 54329),
                port("SH_FLEET_MQTT_PORT", 18830),
                port("SH_FLEET_DASHBOARD_PORT", 8080),
                port("SH_FLEET_GATEWAY_PORT", 8081),
                port("SH_FLEET_TELEMETRY_PORT", 8082),
                port("SH_FLEET_BOOKING_PORT", 8083),
                port("SH_FLEET_AGENT_PORT", 8084),
                // One clock for the whole demo: sessions run as long as they are booked, so the dashboard's remaining
                // time and utilization agree with booking-service (README, "The demo desk").
                Integer.parseInt(env("SH_FLEET_TIME_SCALE", "1")),
                env("SH_FLEET_FAULT_EVERY", "4m"),
                // The demo clears its own faults unless a person does first (the acceptance test acknowledges them).
                env("SH_FLEET_FAULT_AUTO_ACKNOWLEDGE_AFTER", "20s"));
    }

    private static int port(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }

    private static String env(String name, String fallback) {
        var value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
