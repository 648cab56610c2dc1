package com.secondheart.telemetry.traces.service;

import java.time.Instant;
import java.util.List;

/**
 * A session's downsampled pressure trace for the dashboard's waveform: {@code zones} names the columns (L1..Ln,
 * R1..Rn, zone 1 the most distal), each sample gives, per zone, the set point, the mean and the max in mmHg over
 * {@code bucketSeconds} starting at {@code t}.
 */
public record TraceView(String sessionId, String unitId, String clinicId, long bucketSeconds, List<String> zones,
                        List<Sample> samples) {

    /** {@code deviceTimeSuspect}: the unit's clock was outside the sane window, {@code t} is the receive time. */
    public record Sample(Instant t, int seconds, double[] setPoint, double[] mean, double[] max,
                         boolean deviceTimeSuspect) {
    }
}
