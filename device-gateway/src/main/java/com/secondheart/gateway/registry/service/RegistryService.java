package com.secondheart.gateway.registry.service;

import com.secondheart.support.security.ClinicScope;

import com.secondheart.gateway.brokeraccounts.BrokerAccounts;
import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.gateway.presence.repository.PresenceRepository;
import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.registry.repository.UnitEntity;
import com.secondheart.gateway.registry.repository.UnitRepository;
import com.secondheart.gateway.support.SqlErrors;
import com.secondheart.protocol.Ids;
import com.secondheart.protocol.fleet.UnitState;
import com.secondheart.support.problem.Paging;
import com.secondheart.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The unit registry: which units exist, which clinic each belongs to, whether it is still in service. */
@ApplicationScoped
public class RegistryService {

    private static final Logger LOG = Logger.getLogger(RegistryService.class);

    /** Largest page a list request may ask for. */
    public static final int MAX_PAGE_SIZE = 500;

    private final UnitRepository units;

    private final PresenceRepository presences;

    private final PresenceService presence;

    private final MqttCredentials credentials;

    private final RegistryCache cache;

    private final BrokerAccounts brokerAccounts;

    private final Clock clock;

    RegistryService(UnitRepository units, PresenceRepository presences, PresenceService presence,
            MqttCredentials credentials, RegistryCache cache, BrokerAccounts brokerAccounts, Clock clock) {
        this.clock = clock;
        this.units = units;
        this.presences = presences;
        this.presence = presence;
        this.credentials = credentials;
        this.cache = cache;
        this.brokerAccounts = brokerAccounts;
    }

    /**
     * Registers a unit; the answer carries its MQTT password, which is never shown again. Nothing to invalidate:
     * the registry cache never remembers an unknown unit, so every replica hears the new unit at once.
     */
    public Uni<RegisteredUnit> register(NewUnit request) {
        // before the broker is touched: a unit named like a service account would replace that account
        var notAUnitId = Ids.whyNotAUnitId(request.unitId());
        if (notAUnitId != null) {
            return Uni.createFrom().failure(Ids.isValid(request.unitId())
                    ? ProblemException.conflict(notAUnitId) : ProblemException.badRequest(notAUnitId));
        }
        return Uni.createFrom().item(() -> credentials.issue(request.unitId()))
                .chain(issued -> Panache.withTransaction(() -> units.findById(request.unitId())
                                .chain(existing -> {
                                    if (existing != null) {
                                        return Uni.createFrom().failure(alreadyRegistered(request.unitId()));
                                    }
                                    // inside the transaction: no broker account, no registration
                                    return insert(request, issued.hash()).call(() -> brokerAccounts
                                            .unitRegistered(request.unitId(), issued.password())
                                            .onFailure().transform(e -> brokerAccountFailed(request.unitId(), e)));
                                }))
                        .onFailure(SqlErrors::isUniqueViolation).transform(e -> alreadyRegistered(request.unitId()))
                        .invoke(view -> LOG.infof("Registered unit %s in clinic %s", view.unitId(), view.clinicId()))
                        .map(view -> RegisteredUnit.of(view, issued.username(), issued.password())));
    }

    private Uni<UnitView> insert(NewUnit request, String passwordHash) {
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var unit = new UnitEntity();
        unit.unitId = request.unitId();
        unit.clinicId = request.clinicId();
        unit.model = request.model();
        unit.zonesPerLeg = request.zonesPerLeg();
        unit.firmware = request.firmware();
        unit.active = true;
        unit.mqttUsername = request.unitId();
        unit.mqttPasswordHash = passwordHash;
        unit.createdAt = now;
        var state = new PresenceEntity();
        state.unitId = request.unitId();
        state.state = UnitState.OFFLINE;
        state.stateSince = now;
        return units.persist(unit)
                .chain(() -> presences.persist(state))
                .chain(() -> units.flush())
                .map(ignored -> UnitView.of(unit, state));
    }

    /**
     * Gives a unit a new MQTT password, shown this once; the old one stops working (on Mosquitto at once, which also
     * closes the unit's connection; on the embedded HiveMQ within its registry cache time). Empty item when the unit
     * is unknown; 409 when it is decommissioned; 503, and nothing changed, when the broker does not take the new one.
     */
    public Uni<MqttCredentials.Issued> rotateMqttPassword(String unitId) {
        return Uni.createFrom().item(() -> credentials.issue(unitId))
                .chain(issued -> Panache.withTransaction(() -> units.findById(unitId).chain(unit -> {
                    if (unit == null) {
                        return Uni.createFrom().<MqttCredentials.Issued>nullItem();
                    }
                    if (!unit.active) {
                        return Uni.createFrom().<MqttCredentials.Issued>failure(decommissioned(unitId));
                    }
                    unit.mqttPasswordHash = issued.hash();
                    // inside the transaction: the registry keeps the old password unless the broker has the new one
                    return units.flush().chain(() -> brokerAccounts.unitRegistered(unitId, issued.password()))
                            .onFailure().transform(e -> {
                                LOG.warnf("New broker password for unit %s not taken: %s", unitId, e.getMessage());
                                return ProblemException.unavailable("The broker did not take the new password of unit '"
                                        + unitId + "'; the old one still works. Try again.");
                            })
                            .replaceWith(issued);
                })))
                .invoke(issued -> {
                    if (issued != null) {
                        LOG.infof("New broker password for unit %s", unitId);
                    }
                });
    }

    /** A page of units, ordered by unit id; {@code state} is a {@link UnitState} name or null. */
    @WithSession
    public Uni<List<UnitView>> list(String clinicId, String state, ClinicScope scope, int page, int size) {
        Paging.check(page, size, MAX_PAGE_SIZE);
        var stateFilter = parseState(state);
        if (!scope.everyClinic() && scope.clinics().isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return units.list(blankToNull(clinicId), stateFilter, scope.everyClinic() ? null : scope.clinics(), page, size)
                .map(rows -> rows.stream().map(row -> UnitView.of(row.unit(), row.presence())).toList());
    }

    /** The unit, or an empty item when it was never registered. */
    @WithSession
    public Uni<UnitView> get(String unitId) {
        return units.findById(unitId).chain(unit -> unit == null
                ? Uni.createFrom().nullItem()
                : presences.findById(unitId).map(state -> UnitView.of(unit, state)));
    }

    /**
     * Moves a unit to another clinic; its retained presence moves with it. Empty item when the unit is unknown.
     * Events already journaled keep the clinic they were received under; other replicas journal under the new clinic
     * within {@code sh.gateway.registry.cache-ttl} (see {@link RegistryCache}).
     */
    public Uni<UnitView> moveClinic(String unitId, String clinicId) {
        return Panache.withTransaction(() -> units.findById(unitId).chain(unit -> {
            if (unit == null) {
                return Uni.createFrom().<Moved>nullItem();
            }
            if (!unit.active) {
                return Uni.createFrom().failure(decommissioned(unitId));
            }
            var from = unit.clinicId;
            unit.clinicId = clinicId;
            return presences.findById(unitId).map(state -> new Moved(from, unit, state));
        })).invoke(moved -> {
            if (moved != null) {
                // committed: the next message this replica ingests sees the new clinic
                cache.invalidate(unitId);
            }
            if (moved != null && !moved.from().equals(moved.unit().clinicId)) {
                LOG.infof("Unit %s moved from clinic %s to %s", unitId, moved.from(), moved.unit().clinicId);
                presence.republishAfterMove(moved.from(), moved.unit().identity(), moved.presence());
            }
        }).map(moved -> moved == null ? null : UnitView.of(moved.unit(), moved.presence()));
    }

    private record Moved(String from, UnitEntity unit, PresenceEntity presence) {
    }

    /**
     * Takes a unit out of service: its messages are rejected from now on (by this replica at once, by the others
     * within {@code sh.gateway.registry.cache-ttl}, see {@link RegistryCache}), its retained presence is cleared, and
     * its id stays taken. Idempotent. Empty item when the unit is unknown.
     */
    public Uni<UnitView> decommission(String unitId) {
        return Panache.withTransaction(() -> units.findById(unitId).chain(unit -> {
            if (unit == null) {
                return Uni.createFrom().<UnitView>nullItem();
            }
            if (unit.active) {
                unit.active = false;
                unit.decommissionedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
                LOG.infof("Unit %s decommissioned", unitId);
            }
            return presences.findById(unitId).map(state -> UnitView.of(unit, state));
        })).invoke(view -> {
            if (view != null) {
                // committed: from here on this replica refuses the unit's messages (others within the cache TTL)
                cache.invalidate(unitId);
                presence.clearRetained(view.clinicId(), unitId);
            }
        }).call(view -> view == null ? Uni.createFrom().voidItem() : brokerAccounts.unitDecommissioned(unitId)
                .onFailure().transform(e -> {
                    LOG.warnf("Unit %s decommissioned, but its broker account is not disabled yet: %s", unitId, e.getMessage());
                    return ProblemException.unavailable("Unit '" + unitId + "' is decommissioned, but the broker did not"
                            + " confirm that its account is disabled. Repeat the request.");
                }));
    }

    private static ProblemException brokerAccountFailed(String unitId, Throwable cause) {
        LOG.warnf("No broker account for unit %s: %s", unitId, cause.getMessage());
        return ProblemException.unavailable("The broker did not accept an account for unit '" + unitId
                + "', so nothing was registered. Try again.");
    }

    private static UnitState parseState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return UnitState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("state must be one of " + Arrays.stream(UnitState.values())
                    .map(Enum::name).collect(Collectors.joining(", ")) + ".");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static ProblemException alreadyRegistered(String unitId) {
        return ProblemException.conflict("A unit with id '" + unitId + "' is already registered.");
    }

    static ProblemException decommissioned(String unitId) {
        return ProblemException.conflict("Unit '" + unitId + "' is decommissioned.");
    }
}
