package com.secondheart.support.security;

import java.util.Set;

/**
 * The clinics a caller may see, captured from {@link Caller} before a service call so that services and
 * repositories can filter without the request context.
 */
public record ClinicScope(boolean everyClinic, Set<String> clinics) {

    public static final ClinicScope EVERY_CLINIC = new ClinicScope(true, Set.of());

    public ClinicScope {
        clinics = Set.copyOf(clinics);
    }

    public static ClinicScope only(Set<String> clinics) {
        return new ClinicScope(false, clinics);
    }

    public boolean allows(String clinicId) {
        return everyClinic || (clinicId != null && clinics.contains(clinicId));
    }
}
