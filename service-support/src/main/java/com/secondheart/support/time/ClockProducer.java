package com.secondheart.support.time;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The clock every service reads "now" from (due times, expiries, retention, quiet hours, ages). One bean for all
 * services, so that a test can put a clock of its own in its place ({@code @Alternative @Priority(1)} producer, or a
 * {@code QuarkusMock}) and move time forward instead of waiting.
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
