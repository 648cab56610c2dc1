package com.secondheart.support.security;

import com.secondheart.support.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling and which clinics they may see. Endpoints declare roles with {@code @RolesAllowed};
 * services ask this bean for the clinic scope of clinic-staff callers.
 *
 * <p>A refusal never says whether the record asked for exists: {@link #denied()} is the same answer
 * for another clinic's record and for no record at all, so callers scoped to some clinics cannot probe
 * for others' ids.
 */
@RequestScoped
public class Caller {

    public static final String DENIED_DETAIL = "You do not have access to this record, or it does not exist in your clinics.";

    private final SecurityIdentity identity;

    private final JsonWebToken token;

    private final SecurityConfig config;

    Caller(SecurityIdentity identity, JsonWebToken token, SecurityConfig config) {
        this.identity = identity;
        this.token = token;
        this.config = config;
    }

    public String name() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    /** Operations, fleet admins and services see every clinic; clinic staff only their own. */
    public boolean seesEveryClinic() {
        return hasRole(Roles.OPERATIONS) || hasRole(Roles.FLEET_ADMIN) || hasRole(Roles.SERVICE);
    }

    /** Empty when the caller sees every clinic; otherwise the clinic ids they may see (possibly none). */
    public Optional<Set<String>> clinicScope() {
        return seesEveryClinic() ? Optional.empty() : Optional.of(clinics());
    }

    /** The same as {@link #clinicScope()}, as a value a service can carry into a reactive pipeline. */
    public ClinicScope scope() {
        return seesEveryClinic() ? ClinicScope.EVERY_CLINIC : ClinicScope.only(clinics());
    }

    public boolean maySee(String clinicId) {
        return seesEveryClinic() || (clinicId != null && clinics().contains(clinicId));
    }

    /** Throws the 403 of {@link #denied()} unless the caller may see this clinic. */
    public void requireClinic(String clinicId) {
        if (!maySee(clinicId)) {
            throw denied();
        }
    }

    public Set<String> clinics() {
        Object claim = token.getClaim(config.clinicsClaim());
        var clinics = new LinkedHashSet<String>();
        if (claim instanceof JsonArray array) {
            array.forEach(value -> {
                if (value instanceof JsonString text) {
                    clinics.add(text.getString());
                }
            });
        } else if (claim instanceof Collection<?> values) {
            values.forEach(value -> clinics.add(String.valueOf(value)));
        } else if (claim instanceof JsonString text) {
            clinics.add(text.getString());
        } else if (claim instanceof String text) {
            clinics.add(text);
        }
        return Set.copyOf(clinics);
    }

    public static ProblemException denied() {
        return new ProblemException(403, "Forbidden", DENIED_DETAIL);
    }
}
