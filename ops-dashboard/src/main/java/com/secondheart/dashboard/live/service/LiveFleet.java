package com.secondheart.dashboard.live.service;

import com.secondheart.dashboard.alarms.model.Alarm;
import com.secondheart.dashboard.alarms.service.AlarmFeed;
import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.live.model.LiveMessage;
import com.secondheart.dashboard.live.model.PressureSample;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.service.OverviewService;
import com.secondheart.dashboard.overview.service.OverviewViews;
import com.secondheart.dashboard.today.service.TodayService;
import com.secondheart.dashboard.overview.service.OverviewViews.LiveState;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.support.security.ClinicScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.ShutdownEvent;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one live picture of the fleet the server keeps, and every open browser stream fed from it.
 *
 * <ul>
 *   <li>While anyone watches, one poller reads the overview (booking, gateway units, telemetry counts) with the
 *   dashboard's service token every {@code sh.dashboard.poll-interval}, and the gateway's journal for faults.</li>
 *   <li>Unit states, faults and pressures the gateway publishes on its fleet topics arrive over MQTT as they happen
 *   ({@code FleetTopicsListener}) and are applied at once.</li>
 *   <li>Each viewer's stream is the same signals rendered for their clinics only ({@link ClinicScope}).</li>
 * </ul>
 */
@ApplicationScoped
public class LiveFleet {

    private static final Logger LOG = Logger.getLogger(LiveFleet.class);

    /** What changed; each stream renders it for its viewer. */
    private sealed interface Signal permits OverviewChanged, AlarmsChanged, TodayChanged, Pressure {
    }

    private record TodayChanged() implements Signal {
    }

    private record OverviewChanged() implements Signal {
    }

    private record AlarmsChanged() implements Signal {
    }

    private record Pressure(PressureSample sample) implements Signal {
    }

    private final OverviewService overviews;
    private final AlarmFeed alarms;
    private final JournalTail journal;
    private final TodayService today;
    private final DashboardConfig config;
    private final Clock clock = Clock.systemUTC();
    private final BroadcastProcessor<Signal> hub = BroadcastProcessor.create();
    private final Map<String, LiveState> liveStates = new ConcurrentHashMap<>();
    private final Map<String, Deque<PressureSample>> pressures = new ConcurrentHashMap<>();
    private volatile Overview polled;
    private int viewers;
    private Cancellable poller;

    LiveFleet(OverviewService overviews, AlarmFeed alarms, JournalTail journal, TodayService today, DashboardConfig config) {
        this.overviews = overviews;
        this.alarms = alarms;
        this.journal = journal;
        this.today = today;
        this.config = config;
    }

    // --- what arrives ------------------------------------------------------------------------------------------

    public void onPresence(UnitPresence presence) {
        var previous = liveStates.get(presence.unitId());
        if (previous != null && previous.since() != null && presence.since().isBefore(previous.since())) {
            return;
        }
        liveStates.put(presence.unitId(), new LiveState(presence.clinicId(), presence.state().name(), presence.since(),
                presence.lastSeen(), presence.firmware()));
        // Alarms only for units the gateway lists as active: a shared broker may carry other fleets' retained states.
        var alarmsChanged = knows(presence.unitId())
                && alarms.onUnitState(presence.clinicId(), presence.unitId(), presence.state().name(), presence.since());
        emit(new OverviewChanged());
        if (alarmsChanged) {
            emit(new AlarmsChanged());
        }
    }

    private boolean knows(String unitId) {
        var overview = polled;
        return overview != null && overview.clinics().stream()
                .anyMatch(clinic -> clinic.units().stream().anyMatch(unit -> unit.unitId().equals(unitId)));
    }

    /** Faults pushed over MQTT; those of units the gateway does not list wait for the journal, which is authoritative. */
    public void onEvent(FleetEvent event) {
        if (knows(event.event().unitId()) && alarms.onEvent(event)) {
            emit(new AlarmsChanged());
        }
    }

    public void onTelemetry(FleetTelemetry telemetry) {
        var summary = telemetry.telemetry();
        var zones = summary.zones().stream()
                .map(zone -> new PressureSample.Zone(zone.leg().name(), zone.zone(), zone.setPointMmHg(), zone.meanMmHg(), zone.maxMmHg()))
                .toList();
        var sample = new PressureSample(telemetry.clinicId(), summary.unitId(), summary.sessionId(), summary.deviceTime(),
                telemetry.receiveTime(), zones);
        var buffer = pressures.computeIfAbsent(summary.unitId(), id -> new ArrayDeque<>());
        synchronized (buffer) {
            if (!buffer.isEmpty() && !buffer.peekLast().sessionId().equals(sample.sessionId())) {
                buffer.clear();
            }
            buffer.addLast(sample);
            while (buffer.size() > config.live().telemetrySamples()) {
                buffer.removeFirst();
            }
        }
        emit(new Pressure(sample));
    }

    /** From the MQTT thread and the poller alike: a processor takes one item at a time. */
    private void emit(Signal signal) {
        synchronized (hub) {
            hub.onNext(signal);
        }
    }

    // --- what viewers get --------------------------------------------------------------------------------------

    /**
     * The live stream of one viewer: the current picture first, then every change, for the clinics in scope; pressure
     * samples only for {@code clinicId} (a clinic page), and only if the viewer may see it. Ends after {@code until}.
     */
    public Multi<LiveMessage> stream(ClinicScope scope, String clinicId, Duration until) {
        var focus = clinicId != null && !clinicId.isBlank() && scope.allows(clinicId) ? clinicId : null;
        var updates = hub.onOverflow().buffer(1024)
                .map(signal -> render(signal, scope, focus))
                .filter(message -> message != null)
                .onItem().transformToMultiAndConcatenate(this::withHealth);
        var heartbeats = Multi.createFrom().ticks().every(config.live().heartbeat())
                .map(tick -> new LiveMessage(LiveMessage.HEARTBEAT, clock.instant()));
        return Multi.createFrom().deferred(() -> {
                    viewerJoined();
                    return Multi.createBy().concatenating().streams(
                            Multi.createFrom().iterable(snapshot(scope, focus)),
                            Multi.createBy().merging().streams(updates, heartbeats));
                })
                .select().first(until)
                .onTermination().invoke(this::viewerLeft);
    }

    /** The overview as it stands (read now if nobody is watching), for one caller. */
    public Uni<Overview> overview(ClinicScope scope) {
        return fresh().map(ignored -> OverviewViews.scoped(current(), scope));
    }

    /** The alarm feed as it stands (read now if nobody is watching), for one caller. */
    public Uni<List<Alarm>> alarms(ClinicScope scope) {
        return fresh().map(ignored -> alarms.list(scope));
    }

    /** While someone watches, the poller keeps the picture fresh; otherwise it is read now. */
    public Uni<Void> fresh() {
        synchronized (this) {
            if (viewers > 0 && polled != null) {
                return Uni.createFrom().voidItem();
            }
        }
        return refresh();
    }

    public void alarmsChanged() {
        emit(new AlarmsChanged());
    }

    private List<LiveMessage> snapshot(ClinicScope scope, String focus) {
        var messages = new ArrayList<LiveMessage>();
        var overview = current();
        if (overview != null) {
            var scoped = OverviewViews.scoped(overview, scope);
            messages.add(new LiveMessage(LiveMessage.OVERVIEW, scoped));
            messages.add(new LiveMessage(LiveMessage.HEALTH, health(scoped)));
        }
        messages.add(new LiveMessage(LiveMessage.ALARMS, alarms.list(scope)));
        messages.add(new LiveMessage(LiveMessage.TODAY, today.days(scope::allows)));
        if (focus != null) {
            pressures.values().forEach(buffer -> {
                synchronized (buffer) {
                    buffer.stream().filter(sample -> focus.equals(sample.clinicId()))
                            .forEach(sample -> messages.add(new LiveMessage(LiveMessage.TELEMETRY, sample)));
                }
            });
        }
        return messages;
    }

    private LiveMessage render(Signal signal, ClinicScope scope, String focus) {
        if (signal instanceof Pressure pressure) {
            return focus != null && focus.equals(pressure.sample().clinicId())
                    ? new LiveMessage(LiveMessage.TELEMETRY, pressure.sample()) : null;
        }
        if (signal instanceof AlarmsChanged) {
            return new LiveMessage(LiveMessage.ALARMS, alarms.list(scope));
        }
        if (signal instanceof TodayChanged) {
            return new LiveMessage(LiveMessage.TODAY, today.days(scope::allows));
        }
        var overview = current();
        return overview == null ? null : new LiveMessage(LiveMessage.OVERVIEW, OverviewViews.scoped(overview, scope));
    }

    private com.secondheart.dashboard.live.model.FleetHealth health(Overview scoped) {
        return HealthViews.of(scoped, alarms.faultsByClinic(), config.live().notSeenAfter(), clock.instant());
    }

    /** Health rides along with each overview; a separate message keeps the overview's shape that of GET /api/overview. */
    private Multi<LiveMessage> withHealth(LiveMessage message) {
        if (!LiveMessage.OVERVIEW.equals(message.type())) {
            return Multi.createFrom().item(message);
        }
        return Multi.createFrom().items(message, new LiveMessage(LiveMessage.HEALTH, health((Overview) message.data())));
    }

    private Overview current() {
        var overview = polled;
        return overview == null ? null : OverviewViews.withLiveStates(overview, liveStates);
    }

    // --- the poller, running while anyone watches --------------------------------------------------------------

    private synchronized void viewerJoined() {
        viewers++;
        if (poller == null) {
            LOG.debug("First viewer: polling the upstream services");
            poller = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(config.pollInterval())
                    .onOverflow().drop()
                    .onItem().transformToUniAndConcatenate(tick -> refresh())
                    .subscribe().with(ignored -> { }, failure -> LOG.warnf("Live poller stopped: %s", failure.getMessage()));
        }
    }

    private synchronized void viewerLeft() {
        viewers = Math.max(0, viewers - 1);
        if (viewers == 0 && poller != null) {
            LOG.debug("Last viewer gone: polling stops");
            poller.cancel();
            poller = null;
        }
    }

    private Uni<Void> refresh() {
        var read = overviews.overview().call(overview -> today.refresh(overview.clinics().stream()
                        .map(clinic -> clinic.clinicId()).filter(java.util.Objects::nonNull).toList())
                .invoke(changed -> {
                    if (changed) {
                        emit(new TodayChanged());
                    }
                })
                .onFailure().recoverWithItem(false)).invoke(overview -> {
            polled = overview;
            var alarmsChanged = false;
            for (var clinic : OverviewViews.withLiveStates(overview, liveStates).clinics()) {
                for (var unit : clinic.units()) {
                    alarmsChanged |= alarms.onUnitState(clinic.clinicId(), unit.unitId(), unit.state(), unit.stateSince());
                }
            }
            emit(new OverviewChanged());
            if (alarmsChanged) {
                emit(new AlarmsChanged());
            }
        });
        var faults = journal.catchUp().invoke(changed -> {
            if (changed) {
                emit(new AlarmsChanged());
            }
        });
        return Uni.combine().all().unis(read, faults).discardItems()
                .onFailure().invoke(failure -> LOG.debugf("Live refresh failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    void onStop(@Observes ShutdownEvent event) {
        hub.onComplete();
    }
}
