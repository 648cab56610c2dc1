package com.secondheart.telemetry.config;

import com.secondheart.support.security.SecurityConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Says at start where the service keeps its data and where its events come from. */
@ApplicationScoped
public class StartupReport {

    private static final Logger LOG = Logger.getLogger(StartupReport.class);

    void onStart(@Observes StartupEvent event, TelemetryConfig config, SecurityConfig security) {
        LOG.infof("telemetry-service: database %s on %s:%d, MQTT broker %s:%d as %s, gateway journal at %s, tokens of issuer %s",
                config.db().name(), config.db().host(), config.db().port(),
                config.mqtt().host(), config.mqtt().port(), config.mqtt().clientId(), config.gateway().url(),
                security.issuer());
    }
}
