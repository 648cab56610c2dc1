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
import com.secondheart.dashboard.live.service.ViewerQueue.Picture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.ShutdownEvent;
import org.jboss.logging.Logger;

import com.secondheart.protocol.device.EventType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one live picture of the fleet the server keeps, and every open browser stream fed from it.
 *
 * <ul>
 *   <li>While anyone watches, one poller reads the overview (booking, gateway units, telemetry counts) with the
 *   dashboard's service token every {@code sh.dashboard.poll-interval}, and the gateway's journal for faults.</li>
 *   <li>Unit states, faults and pressures the gateway publishes on its fleet topics arrive over MQTT as they happen
 *   ({@code FleetTopicsListener}) and are applied at once.</li>
 *   <li>Each viewer's stream is the same signals rendered for their clinics only ({@link ClinicScope}), sent as
 *   fast as that viewer reads: what waits is held in the viewer's own {@link ViewerQueue}, whose overflow policy
 *   drops the oldest pressure samples and never a state change.</li>
 *   <li>One signal that cannot be rendered is logged once (per kind and failure), counted in
 *   {@code sh_dashboard_stream_render_failures_total} and skipped: it never ends anyone's stream.</li>
 * </ul>
 */
@ApplicationScoped
public class LiveFleet {

    private static final Logger LOG = Logger.getLogger(LiveFleet.class);

    /** Pressure samples that may wait for one slow viewer before the oldest are dropped. */
    static final int MAX_WAITING_PRESSURES = 1024;

    private final OverviewService overviews;
    private final AlarmFeed alarms;
    private final JournalTail journal;
    private final TodayService today;
    private final DashboardConfig config;
    private final RunningSessions sessions;
    private final Clock clock;
    private final Set<Viewer> open = new CopyOnWriteArraySet<>();
    private final Map<String, LiveState> liveStates = new ConcurrentHashMap<>();
    private final Map<String, Deque<PressureSample>> pressures = new ConcurrentHashMap<>();
    private final Set<String> failuresLogged = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> deskVersions = new ConcurrentHashMap<>();
    private final Counter renderFailures;
    private final Counter pressuresDropped;
    private volatile Overview polled;
    private int viewers;
    private Cancellable poller;
    private Cancellable heartbeats;

    LiveFleet(OverviewService overviews, AlarmFeed alarms, JournalTail journal, TodayService today, DashboardConfig config,
              RunningSessions sessions, MeterRegistry meters, Clock clock) {
        this.clock = clock;
        this.overviews = overviews;
        this.alarms = alarms;
        this.journal = journal;
        this.today = today;
        this.config = config;
        this.sessions = sessions;
        this.renderFailures = Counter.builder("sh_dashboard_stream_render_failures_total")
                .description("Live messages that could not be rendered for a viewer and were skipped").register(meters);
        this.pressuresDropped = Counter.builder("sh_dashboard_stream_pressures_dropped_total")
                .description("Pressure samples dropped, oldest first, for viewers that read slower than units report")
                .register(meters);
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
        emit(Picture.OVERVIEW);
        if (alarmsChanged) {
            emit(Picture.ALARMS);
        }
    }

    private boolean knows(String unitId) {
        var overview = polled;
        return overview != null && overview.clinics().stream()
                .anyMatch(clinic -> clinic.units().stream().anyMatch(unit -> unit.unitId().equals(unitId)));
    }

    /** Faults pushed over MQTT; those of units the gateway does not list wait for the journal, which is authoritative. */
    public void onEvent(FleetEvent event) {
        if (sessions.onEvent(event)) {
            emit(Picture.OVERVIEW);
        }
        // A session starting or ending moves a booking on (booking-service applies the same event): desks re-read.
        var type = event.event().type();
        if (type == EventType.SESSION_STARTED || type == EventType.SESSION_COMPLETED || type == EventType.SESSION_ABORTED) {
            deskChanged(event.clinicId());
        }
        if (knows(event.event().unitId()) && alarms.onEvent(event)) {
            emit(Picture.ALARMS);
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
        // Only viewers of this clinic's page who may see it are handed the sample: nothing to filter out later.
        for (var viewer : open) {
            if (sample.clinicId() != null && sample.clinicId().equals(viewer.focus)) {
                if (viewer.queue.offer(sample)) {
                    pressuresDropped.increment();
                }
                viewer.drain();
            }
        }
    }

    /** From the MQTT thread and the poller alike: each open stream queues the change and sends it when it can. */
    private void emit(Picture picture) {
        for (var viewer : open) {
            viewer.queue.offer(picture);
            viewer.drain();
        }
    }

    // --- what viewers get --------------------------------------------------------------------------------------

    /**
     * The live stream of one viewer: the current picture first, then every change, for the clinics in scope; pressure
     * samples only for {@code clinicId} (a clinic page), and only if the viewer may see it. Ends after {@code until}.
     */
    public Multi<LiveMessage> stream(ClinicScope scope, String clinicId, Duration until) {
        var focus = clinicId != null && !clinicId.isBlank() && scope.allows(clinicId) ? clinicId : null;
        return Multi.createFrom().<LiveMessage>emitter(emitter -> {
                    var viewer = new Viewer(scope, focus, emitter);
                    snapshotInto(viewer);
                    open.add(viewer);
                    emitter.onRequest(requested -> viewer.drain());
                    emitter.onTermination(() -> {
                        open.remove(viewer);
                        viewerLeft();
                    });
                    viewerJoined();
                    viewer.drain();
                }, BackPressureStrategy.BUFFER)
                .select().first(until);
    }

    /**
     * One open stream. Signals wait in its {@link ViewerQueue} and are rendered only when the connection asks for
     * more (so a slow reader holds at most one picture of each kind and a bounded tail of pressures), one drain at a
     * time whichever thread offered them.
     */
    private final class Viewer {
        private final ClinicScope scope;
        private final String focus;
        private final MultiEmitter<? super LiveMessage> emitter;
        private final ViewerQueue queue = new ViewerQueue(MAX_WAITING_PRESSURES);
        private final Deque<LiveMessage> rendered = new ArrayDeque<>();
        private final AtomicInteger work = new AtomicInteger();

        Viewer(ClinicScope scope, String focus, MultiEmitter<? super LiveMessage> emitter) {
            this.scope = scope;
            this.focus = focus;
            this.emitter = emitter;
        }

        void drain() {
            if (work.getAndIncrement() != 0) {
                return;
            }
            var missed = 1;
            do {
                while (!emitter.isCancelled() && emitter.requested() > 0) {
                    var message = next();
                    if (message == null) {
                        break;
                    }
                    emitter.emit(message);
                }
                missed = work.addAndGet(-missed);
            } while (missed != 0);
        }

        /** Only the draining thread gets here. */
        private LiveMessage next() {
            while (rendered.isEmpty()) {
                var waiting = queue.poll();
                if (waiting == null) {
                    return null;
                }
                try {
                    rendered.addAll(render(waiting, scope, focus));
                } catch (RuntimeException failure) {
                    renderFailed(waiting, failure);
                }
            }
            return rendered.pollFirst();
        }
    }

    private void renderFailed(ViewerQueue.Next waiting, RuntimeException failure) {
        renderFailures.increment();
        var kind = (waiting.picture() != null ? waiting.picture().name() : "PRESSURE") + ":" + failure.getClass().getName();
        if (failuresLogged.add(kind)) {
            LOG.warnf("A live %s message could not be rendered and was skipped; the stream goes on (%s). Further "
                    + "failures of this kind are only counted in sh_dashboard_stream_render_failures_total.",
                    kind, failure);
        }
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
        emit(Picture.ALARMS);
    }

    /**
     * A desk booked, moved, cancelled, checked in or completed something at this clinic: every open Desk view of it
     * reads its day again (the message names clinics and counters only, so it tells another clinic nothing).
     */
    public void deskChanged(String clinicId) {
        if (clinicId != null) {
            deskVersions.merge(clinicId, 1L, Long::sum);
            emit(Picture.DESK);
        }
    }

    private Map<String, Long> deskVersions(ClinicScope scope) {
        var visible = new java.util.TreeMap<String, Long>();
        deskVersions.forEach((clinicId, version) -> {
            if (scope.allows(clinicId)) {
                visible.put(clinicId, version);
            }
        });
        return visible;
    }

    /** What a new viewer gets first: every picture, and the pressures its clinic page would have drawn so far. */
    private void snapshotInto(Viewer viewer) {
        viewer.queue.offer(Picture.OVERVIEW);
        viewer.queue.offer(Picture.ALARMS);
        viewer.queue.offer(Picture.TODAY);
        if (viewer.focus != null) {
            pressures.values().forEach(buffer -> {
                synchronized (buffer) {
                    buffer.stream().filter(sample -> viewer.focus.equals(sample.clinicId())).forEach(viewer.queue::offer);
                }
            });
        }
    }

    /** One waiting signal as the messages this viewer gets: none, one, or an overview with its health. */
    List<LiveMessage> render(ViewerQueue.Next waiting, ClinicScope scope, String focus) {
        if (waiting.pressure() != null) {
            return List.of(new LiveMessage(LiveMessage.TELEMETRY, waiting.pressure()));
        }
        return switch (waiting.picture()) {
            case ALARMS -> List.of(new LiveMessage(LiveMessage.ALARMS, alarms.list(scope)));
            case TODAY -> List.of(new LiveMessage(LiveMessage.TODAY, today.days(scope::allows)));
            case DESK -> List.of(new LiveMessage(LiveMessage.DESK, deskVersions(scope)));
            case HEARTBEAT -> List.of(new LiveMessage(LiveMessage.HEARTBEAT, clock.instant()));
            case OVERVIEW -> {
                var overview = current();
                if (overview == null) {
                    yield List.of();
                }
                var scoped = OverviewViews.scoped(overview, scope);
                yield List.of(new LiveMessage(LiveMessage.OVERVIEW, scoped), new LiveMessage(LiveMessage.HEALTH, health(scoped)));
            }
        };
    }

    private com.secondheart.dashboard.live.model.FleetHealth health(Overview scoped) {
        return HealthViews.of(scoped, alarms.faultsByClinic(), config.live().notSeenAfter(), clock.instant());
    }

    private Overview current() {
        var overview = polled;
        return overview == null ? null
                : OverviewViews.withSessions(OverviewViews.withLiveStates(overview, liveStates), sessions::of);
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
            heartbeats = Multi.createFrom().ticks().every(config.live().heartbeat()).onOverflow().drop()
                    .subscribe().with(tick -> emit(Picture.HEARTBEAT), failure -> { });
        }
    }

    private synchronized void viewerLeft() {
        viewers = Math.max(0, viewers - 1);
        if (viewers == 0 && poller != null) {
            LOG.debug("Last viewer gone: polling stops");
            poller.cancel();
            poller = null;
            heartbeats.cancel();
            heartbeats = null;
        }
    }

    private Uni<Void> refresh() {
        var read = overviews.overview().call(overview -> today.refresh(clinicZones(overview))
                .invoke(changed -> {
                    if (changed) {
                        emit(Picture.TODAY);
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
            emit(Picture.OVERVIEW);
            if (alarmsChanged) {
                emit(Picture.ALARMS);
            }
        });
        var faults = journal.catchUp().invoke(changed -> {
            if (changed.alarms()) {
                emit(Picture.ALARMS);
            }
            if (changed.sessions()) {
                emit(Picture.OVERVIEW);
            }
        });
        var missing = journal.eventsMissing().invoke(changed -> {
            if (changed) {
                emit(Picture.ALARMS);
            }
        });
        var stateLost = journal.unitStateLost().invoke(changed -> {
            if (changed) {
                emit(Picture.ALARMS);
            }
        });
        return Uni.combine().all().unis(read, faults, missing, stateLost).discardItems()
                .onFailure().invoke(failure -> LOG.debugf("Live refresh failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Each clinic with its time zone (UTC where booking gave none or an unreadable one): "today" is its local day. */
    private static Map<String, java.time.ZoneId> clinicZones(Overview overview) {
        var zones = new java.util.LinkedHashMap<String, java.time.ZoneId>();
        for (var clinic : overview.clinics()) {
            if (clinic.clinicId() == null) {
                continue;
            }
            java.time.ZoneId zone = java.time.ZoneOffset.UTC;
            try {
                if (clinic.timeZone() != null) {
                    zone = java.time.ZoneId.of(clinic.timeZone());
                }
            } catch (java.time.DateTimeException unreadable) {
                LOG.debugf("Clinic %s has an unreadable time zone; its day is the UTC day", clinic.clinicId());
            }
            zones.put(clinic.clinicId(), zone);
        }
        return zones;
    }

    void onStop(@Observes ShutdownEvent event) {
        open.forEach(viewer -> viewer.emitter.complete());
    }
}
