package com.secondheart.gateway.registry.service;

import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.registry.repository.UnitEntity;
import com.secondheart.gateway.registry.repository.UnitRepository;
import com.secondheart.gateway.support.ExpiringCache;
import com.secondheart.gateway.support.GatewayMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What ingest needs to know of a unit (clinic, active, firmware), remembered so that an event or a telemetry summary
 * does not cost a registry query (config {@code sh.gateway.registry.cache-ttl}, default 5 s).
 *
 * <p>How fresh it is:
 * <ul>
 *   <li>A move, decommission or firmware change made through <em>this</em> replica invalidates the cache when its
 *       transaction has committed, before the REST call answers: the next message sees the change.</li>
 *   <li>A change made through <em>another</em> replica is seen here once the entry expires, so at most the TTL later:
 *       for that long a decommissioned unit's events may still be accepted, and a moved unit's events still
 *       journaled under its old clinic. Keep the TTL short (seconds).</li>
 *   <li>Unknown units are never remembered: a unit registered through any replica is heard at once everywhere.</li>
 * </ul>
 */
@ApplicationScoped
public class RegistryCache {

    /** A unit as ingest sees it. */
    public record CachedUnit(String unitId, String clinicId, boolean active, String firmware) {

        public PresenceService.UnitIdentity identity() {
            return new PresenceService.UnitIdentity(unitId, clinicId, firmware);
        }

        static CachedUnit of(UnitEntity unit) {
            return new CachedUnit(unit.unitId, unit.clinicId, unit.active, unit.firmware);
        }
    }

    private final UnitRepository units;

    private final GatewayConfig config;

    private final GatewayMetrics metrics;

    private ExpiringCache<String, CachedUnit> cache;

    RegistryCache(UnitRepository units, GatewayConfig config, GatewayMetrics metrics) {
        this.units = units;
        this.config = config;
        this.metrics = metrics;
    }

    @PostConstruct
    void create() {
        cache = new ExpiringCache<>(config.registry().cacheTtl(), config.registry().cacheSize(), System::nanoTime);
    }

    /**
     * The unit if this replica has it cached, else null (then call {@link #find}). Ingest asks this first, so that an
     * event of a known unit opens no database session at all: a Hibernate Reactive session and a hop to the event
     * loop per message were the largest share of the gateway's CPU per event after the JIT (issue 13).
     */
    public CachedUnit cached(String unitId) {
        var cached = cache.get(unitId);
        if (cached != null) {
            metrics.registryLookup(true);
        }
        return cached;
    }

    /**
     * The unit, or a null item when it is not registered. On a miss it reads the registry in the caller's
     * Hibernate Reactive session (call it inside {@code Panache.withTransaction}/{@code withSession}).
     */
    public Uni<CachedUnit> find(String unitId) {
        return Uni.createFrom().deferred(() -> {
            var cached = cache.get(unitId);
            if (cached != null) {
                metrics.registryLookup(true);
                return Uni.createFrom().item(cached);
            }
            metrics.registryLookup(false);
            var stamp = cache.stamp();
            return units.findById(unitId).map(unit -> {
                if (unit == null) {
                    return null;
                }
                var found = CachedUnit.of(unit);
                cache.put(unitId, found, stamp);
                return found;
            });
        });
    }

    /** Call after the transaction that changed the unit committed. */
    public void invalidate(String unitId) {
        cache.invalidate(unitId);
    }
}
