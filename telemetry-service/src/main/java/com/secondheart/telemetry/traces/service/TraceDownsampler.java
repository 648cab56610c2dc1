package com.secondheart.telemetry.traces.service;

import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.telemetry.traces.repository.TraceRepository.TraceRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds per-second telemetry into one row per session and bucket: per zone the mean of the means, the max of the
 * maxima and the last set point. A bucket is finished when a sample of a later bucket of the same session arrives,
 * or when it has been idle for {@code idleAfter} (the session ended or its telemetry was lost). Plain Java; the
 * caller serialises access (one instance, synchronised).
 */
public final class TraceDownsampler {

    private final long bucketMillis;
    private final Duration deviceTimeWindow;
    private final Map<String, Bucket> open = new HashMap<>();
    private final Runnable onOutsideWindow;
    private long outsideWindow;

    /** Trusts every device time (no window). */
    public TraceDownsampler(Duration bucket) {
        this(bucket, null, () -> { });
    }

    /**
     * @param deviceTimeWindow a device time further than this from the gateway's receive time is replaced by the
     *                         receive time and the row flagged; null trusts every device time
     * @param onOutsideWindow  told about each such sample (a metric)
     */
    public TraceDownsampler(Duration bucket, Duration deviceTimeWindow, Runnable onOutsideWindow) {
        this.bucketMillis = Math.max(1000, bucket.toMillis());
        this.deviceTimeWindow = deviceTimeWindow;
        this.onOutsideWindow = onOutsideWindow;
    }

    /** Samples whose device time was outside the window, since start. */
    public synchronized long outsideWindow() {
        return outsideWindow;
    }

    /** The time a sample is stored at: its device time, or its receive time when the device time is not sane. */
    private boolean outside(FleetTelemetry fleet) {
        if (deviceTimeWindow == null || fleet.receiveTime() == null) {
            return false;
        }
        var device = fleet.telemetry().deviceTime();
        var received = fleet.receiveTime();
        return device.isAfter(received.plus(deviceTimeWindow)) || device.isBefore(received.minus(deviceTimeWindow));
    }

    /** Adds one second of telemetry; returns the rows finished by it (at most one). */
    public synchronized List<TraceRow> add(FleetTelemetry fleet, Instant now) {
        var telemetry = fleet.telemetry();
        var suspect = outside(fleet);
        if (suspect) {
            outsideWindow++;
            onOutsideWindow.run();
        }
        var time = suspect ? fleet.receiveTime() : telemetry.deviceTime();
        var start = Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), bucketMillis) * bucketMillis);
        var finished = new ArrayList<TraceRow>(1);
        var bucket = open.get(telemetry.sessionId());
        if (bucket != null && !bucket.start.equals(start)) {
            if (start.isBefore(bucket.start)) {
                return finished; // a late second of an earlier bucket: already written, dropped
            }
            finished.add(bucket.row());
            bucket = null;
        }
        if (bucket == null) {
            bucket = new Bucket(telemetry.sessionId(), telemetry.unitId(), fleet.clinicId(), start, zonesPerLeg(telemetry));
            open.put(telemetry.sessionId(), bucket);
        }
        bucket.add(telemetry, now);
        bucket.deviceTimeSuspect |= suspect;
        return finished;
    }

    /** Finishes every bucket idle since before {@code idleBefore}. */
    public synchronized List<TraceRow> flushIdle(Instant idleBefore) {
        var finished = new ArrayList<TraceRow>();
        var iterator = open.values().iterator();
        while (iterator.hasNext()) {
            var bucket = iterator.next();
            if (bucket.lastSeen.isBefore(idleBefore)) {
                finished.add(bucket.row());
                iterator.remove();
            }
        }
        return finished;
    }

    public synchronized int openBuckets() {
        return open.size();
    }

    private static int zonesPerLeg(TelemetrySummary telemetry) {
        return telemetry.zones().stream().mapToInt(TelemetrySummary.ZoneSample::zone).max().orElse(1);
    }

    private static final class Bucket {
        final String sessionId;
        final String unitId;
        final String clinicId;
        final Instant start;
        final int zonesPerLeg;
        final double[] setPoint;
        final double[] meanSum;
        final int[] meanCount;
        final double[] max;
        int samples;
        Instant lastSeen;
        boolean deviceTimeSuspect;

        Bucket(String sessionId, String unitId, String clinicId, Instant start, int zonesPerLeg) {
            this.sessionId = sessionId;
            this.unitId = unitId;
            this.clinicId = clinicId;
            this.start = start;
            this.zonesPerLeg = zonesPerLeg;
            var n = 2 * zonesPerLeg;
            setPoint = new double[n];
            meanSum = new double[n];
            meanCount = new int[n];
            max = new double[n];
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }

        void add(TelemetrySummary telemetry, Instant now) {
            samples++;
            lastSeen = now;
            for (var zone : telemetry.zones()) {
                if (zone.zone() > zonesPerLeg) {
                    continue;
                }
                var index = (zone.leg() == Leg.L ? 0 : zonesPerLeg) + zone.zone() - 1;
                setPoint[index] = zone.setPointMmHg();
                meanSum[index] += zone.meanMmHg();
                meanCount[index]++;
                max[index] = Math.max(max[index], zone.maxMmHg());
            }
        }

        TraceRow row() {
            var n = setPoint.length;
            var mean = new double[n];
            var maxima = new double[n];
            for (int i = 0; i < n; i++) {
                mean[i] = meanCount[i] == 0 ? 0 : meanSum[i] / meanCount[i];
                maxima[i] = meanCount[i] == 0 ? 0 : max[i];
            }
            return new TraceRow(sessionId, start, unitId, clinicId, zonesPerLeg, samples, setPoint.clone(), mean, maxima,
                    deviceTimeSuspect);
        }
    }
}
