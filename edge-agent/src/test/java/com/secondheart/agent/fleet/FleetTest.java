package com.secondheart.agent.fleet;

import com.secondheart.agent.testing.TestBroker;
import com.secondheart.agent.testing.TestSubscriber;
import com.secondheart.agent.unit.LoopDriver;
import com.secondheart.agent.unit.UnitSettings;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventType;
import com.secondheart.sequencer.control.SessionContext;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Several units in one JVM, each with its own connection, against the real broker. */
class FleetTest {

    @TempDir
    Path dataDir;

    @Test
    void aDemoFleetConnectsEveryUnitAndItsInjectedFaultsAreRaisedAndAcknowledged() {
        var prefix = TestBroker.uniqueUnitId("fl");
        var settings = new ArrayList<UnitSettings>();
        for (var id : FleetLifecycle.generated(3, prefix + "-")) {
            settings.add(UnitSettings.simulated(id, dataDir.resolve(id), TestBroker.settings())
                    .withTimeScale(60, LoopDriver.Kind.VIRTUAL));
        }
        var subscribers = settings.stream().map(s -> TestSubscriber.watching(s.unitId())).toList();
        var registry = new SimpleMeterRegistry();
        var fleet = new Fleet(settings,
                new Fleet.Demo(Optional.of(Duration.ofMillis(300)), Optional.of(Duration.ofMillis(200)), 7), 2,
                registry, Clock.systemUTC(), ProtocolCodec.shared());
        try {
            fleet.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> fleet.connectedCount() == 3);
            assertEquals(1.0, fleet.connectedShare());
            assertEquals(3.0, registry.get("sh.agent.units.connected").gauge().value());

            for (var unit : fleet.units()) {
                unit.loop().start(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 4, Duration.ofMinutes(30)),
                        SessionContext.local(unit.unitId() + "-s"));
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> subscribers.stream()
                    .flatMap(s -> s.of(Topics.EVENTS).stream())
                    .map(m -> ProtocolCodec.shared().decodeEvent(m.payload()).message().type())
                    .anyMatch(type -> type == EventType.FAULT_CLEARED));
        } finally {
            fleet.close();
            subscribers.forEach(TestSubscriber::close);
            settings.forEach(u -> TestSubscriber.clearRetainedStatus(u.unitId()));
        }
    }
}
