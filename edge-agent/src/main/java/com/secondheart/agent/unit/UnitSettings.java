package com.secondheart.agent.unit;

import com.secondheart.agent.reporting.MqttSettings;
import com.secondheart.protocol.Ids;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one unit needs to run, as plain values (built from the Quarkus config by the fleet, or by tests).
 *
 * @param dataDir        this unit's own directory (data-dir/unitId)
 * @param receiptTimeout events leave the outbox on the gateway's journal receipt and are re-sent when none moved for
 *                       this long; null: on the broker's PUBACK (a gateway without receipts)
 */
public record UnitSettings(
        String unitId,
        Path dataDir,
        MqttSettings mqtt,
        String firmware,
        String model,
        int zonesPerLeg,
        double timeScale,
        LoopDriver.Kind loopRunner,
        long plantSeed,
        boolean fsync,
        int commandMemory,
        Duration outboxRetryDelay,
        Duration receiptTimeout) {

    /** The default receipt timeout for tests and simulated units. */
    public static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(10);

    /** Session ids are unitId-bootSeq-n and must stay within the contract's 64 characters. */
    public static final int MAX_UNIT_ID_LENGTH = 40;

    public UnitSettings {
        Ids.requireValid("unit id", unitId);
        if (unitId.length() > MAX_UNIT_ID_LENGTH) {
            throw new IllegalArgumentException("unit id '" + unitId + "' is longer than " + MAX_UNIT_ID_LENGTH
                    + " characters; its session ids would not fit the contract's 64");
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("time scale must be a positive number, was " + timeScale);
        }
    }

    /** Defaults for a test or a single simulated unit. */
    public static UnitSettings simulated(String unitId, Path dataDir, MqttSettings mqtt) {
        return new UnitSettings(unitId, dataDir, mqtt, "0.1.0", "SH-Boot-5", 5, 1.0, LoopDriver.Kind.REAL_TIME,
                42, true, 256, Duration.ofSeconds(1), RECEIPT_TIMEOUT);
    }

    public UnitSettings withTimeScale(double scale, LoopDriver.Kind runner) {
        return new UnitSettings(unitId, dataDir, mqtt, firmware, model, zonesPerLeg, scale, runner, plantSeed, fsync,
                commandMemory, outboxRetryDelay, receiptTimeout);
    }

    public UnitSettings withReceiptTimeout(Duration timeout) {
        return new UnitSettings(unitId, dataDir, mqtt, firmware, model, zonesPerLeg, timeScale, loopRunner, plantSeed,
                fsync, commandMemory, outboxRetryDelay, timeout);
    }
}
