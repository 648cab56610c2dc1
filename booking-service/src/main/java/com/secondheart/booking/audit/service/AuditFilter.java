package com.secondheart.booking.audit.service;

import com.secondheart.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.List;
import java.util.UUID;

/**
 * Writes an audit row for every successful answer of an endpoint method marked {@link Audited}: who (the token's
 * subject and role), what (the operation, the pseudonymous client id and the clinic), from where (the caller's
 * address). Refused and failed calls change nothing and return no personal fields, so they are not written.
 */
public class AuditFilter {

    private static final List<String> ROLE_ORDER = List.of(Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN,
            Roles.SERVICE);

    private final AuditTrail trail;
    private final SecurityIdentity identity;

    public AuditFilter(AuditTrail trail, SecurityIdentity identity) {
        this.trail = trail;
        this.identity = identity;
    }

    @ServerResponseFilter
    public Uni<Void> audit(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource,
                           HttpServerRequest http) {
        var method = resource == null ? null : resource.getResourceMethod();
        var audited = method == null ? null : method.getAnnotation(Audited.class);
        if (audited == null || response.getStatus() < 200 || response.getStatus() >= 300) {
            return Uni.createFrom().voidItem();
        }
        var path = request.getUriInfo().getPathParameters();
        var entity = response.getEntity();
        var clientId = uuid(path.getFirst("clientId"));
        if (clientId == null) {
            clientId = uuid(component(entity, "clientId"));
        }
        var clinicId = path.getFirst("clinicId");
        if (clinicId == null) {
            var fromEntity = component(entity, "clinicId");
            clinicId = fromEntity == null ? null : fromEntity.toString();
        }
        var source = source(http);
        return trail.record(identity.getPrincipal().getName(), role(), audited.value(), clientId, clinicId, source);
    }

    /**
     * The caller's address as this service saw it; a proxy's (the dashboard's, an ingress's) X-Forwarded-For is
     * added as what it claims, since any caller can send that header.
     */
    static String source(HttpServerRequest http) {
        if (http == null) {
            return null;
        }
        var remote = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        var forwarded = http.getHeader("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return remote;
        }
        var claimed = forwarded.strip();
        return remote + " (forwarded for " + (claimed.length() > 200 ? claimed.substring(0, 200) : claimed) + ")";
    }

    private String role() {
        return ROLE_ORDER.stream().filter(identity::hasRole).findFirst().orElse("none");
    }

    private static Object component(Object entity, String name) {
        if (entity instanceof Record record) {
            for (var component : record.getClass().getRecordComponents()) {
                if (component.getName().equals(name)) {
                    try {
                        return component.getAccessor().invoke(record);
                    } catch (ReflectiveOperationException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static UUID uuid(Object value) {
        if (value instanceof UUID id) {
            return id;
        }
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
