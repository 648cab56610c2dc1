package com.secondheart.booking.config;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The clock messaging reads "now" from (due times, quiet hours, retries, the 24-hour window). A bean, so that a test
 * can put a clock of its own in its place and move time forward instead of waiting a day for a reminder.
 */
@Singleton
public class ClockProducer {

    @Produces
    @DefaultBean
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
