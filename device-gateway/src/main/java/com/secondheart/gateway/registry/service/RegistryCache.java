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
import jakarta.inject.Inject;

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

    @Inject
    UnitRepository units;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    private ExpiringCache<String, CachedUnit> cache;

    @PostConstruct
    void create() {
        cache = new ExpiringCache<>(config.registry().cacheTtl(), config.registry().cacheSize(), System::nanoTime);
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
