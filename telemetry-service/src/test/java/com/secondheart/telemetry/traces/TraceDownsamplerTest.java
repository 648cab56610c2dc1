package com.secondheart.telemetry.traces;

import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.telemetry.traces.service.TraceDownsampler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceDownsamplerTest {

    private static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");

    private static FleetTelemetry second(int offset, double mean, double max) {
        var zones = new ArrayList<TelemetrySummary.ZoneSample>();
        for (var leg : Leg.values()) {
            for (int zone = 1; zone <= 2; zone++) {
                zones.add(new TelemetrySummary.ZoneSample(leg, zone, 40, mean + zone, max + zone));
            }
        }
        var summary = new TelemetrySummary(1, "unit-1", "s-1", T0.plusSeconds(offset), zones);
        return new FleetTelemetry(1, "clinic-a", T0.plusSeconds(offset), summary);
    }

    @Test
    void fiveSecondsBecomeOneRowWithTheMeanOfTheMeansAndTheMaxOfTheMaxima() {
        var sampler = new TraceDownsampler(Duration.ofSeconds(5));
        var rows = new ArrayList<com.secondheart.telemetry.traces.repository.TraceRepository.TraceRow>();
        for (int s = 0; s < 5; s++) {
            rows.addAll(sampler.add(second(s, 10 + s, 20 + s), T0));
        }
        assertTrue(rows.isEmpty());

        rows.addAll(sampler.add(second(5, 0, 0), T0));

        assertEquals(1, rows.size());
        var row = rows.get(0);
        assertEquals(T0, row.sampleTime());
        assertEquals(5, row.samples());
        assertEquals(2, row.zonesPerLeg());
        // zones L1, L2, R1, R2: means 10..14 (+zone) average 12 (+zone); maxima 20..24 (+zone) max 24 (+zone)
        assertArrayEquals(new double[]{13, 14, 13, 14}, row.mean(), 1e-9);
        assertArrayEquals(new double[]{25, 26, 25, 26}, row.max(), 1e-9);
        assertArrayEquals(new double[]{40, 40, 40, 40}, row.setPoint(), 1e-9);
    }

    private static FleetTelemetry secondWithDeviceTime(Instant deviceTime, Instant received) {
        var zones = List.of(new TelemetrySummary.ZoneSample(Leg.L, 1, 40, 30, 35),
                new TelemetrySummary.ZoneSample(Leg.R, 1, 40, 30, 35));
        return new FleetTelemetry(1, "clinic-a", received, new TelemetrySummary(1, "unit-1", "s-9", deviceTime, zones));
    }

    @Test
    void aDeviceTimeFarFromTheReceiveTimeIsKeptAtTheReceiveTimeFlaggedAndCounted() {
        var sampler = new TraceDownsampler(Duration.ofSeconds(5), Duration.ofMinutes(10), () -> { });
        var farFuture = Instant.parse("2999-01-01T00:00:00Z");
        var farPast = Instant.parse("1970-01-01T00:00:00Z");

        sampler.add(secondWithDeviceTime(farFuture, T0), T0);
        sampler.add(secondWithDeviceTime(farPast, T0.plusSeconds(1)), T0);
        var rows = sampler.flushIdle(T0.plusSeconds(60));

        assertEquals(1, rows.size());
        assertEquals(T0, rows.get(0).sampleTime(), "stored by receive time, never in 2999 or 1970");
        assertEquals(2, rows.get(0).samples());
        assertTrue(rows.get(0).deviceTimeSuspect());
        assertEquals(2, sampler.outsideWindow());
    }

    @Test
    void aDeviceTimeWithinTheWindowIsTrustedAndNotFlagged() {
        var sampler = new TraceDownsampler(Duration.ofSeconds(5), Duration.ofMinutes(10), () -> { });

        sampler.add(secondWithDeviceTime(T0.minusSeconds(540), T0), T0);
        var rows = sampler.flushIdle(T0.plusSeconds(60));

        assertEquals(T0.minusSeconds(540), rows.get(0).sampleTime());
        assertEquals(false, rows.get(0).deviceTimeSuspect());
        assertEquals(0, sampler.outsideWindow());
    }

    @Test
    void anIdleBucketIsFlushedAndALateSecondOfAWrittenBucketIsDropped() {
        var sampler = new TraceDownsampler(Duration.ofSeconds(5));
        sampler.add(second(0, 10, 20), T0);
        sampler.add(second(6, 10, 20), T0.plusSeconds(1));

        assertEquals(List.of(), sampler.add(second(2, 10, 20), T0.plusSeconds(2)));
        var flushed = sampler.flushIdle(T0.plusSeconds(30));

        assertEquals(1, flushed.size());
        assertEquals(T0.plusSeconds(5), flushed.get(0).sampleTime());
        assertEquals(0, sampler.openBuckets());
    }
}
