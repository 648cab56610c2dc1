package com.secondheart.booking.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Says at start where the service keeps its data. */
@ApplicationScoped
public class StartupReport {

    private static final Logger LOG = Logger.getLogger(StartupReport.class);

    void onStart(@Observes StartupEvent event, BookingConfig config) {
        LOG.infof("booking-service: database %s on %s:%d", config.db().name(), config.db().host(), config.db().port());
    }
}
