package com.secondheart.support.security;

/**
 * The roles a bearer token carries in its {@code groups} claim. An identity provider maps its own
 * groups onto these names (docs/security.md).
 */
public final class Roles {

    /** Operations staff: read every clinic. */
    public static final String OPERATIONS = "operations";
    /** Clinic staff: read and write bookings and outcomes of the clinics in their token's {@code clinics} claim. */
    public static final String CLINIC_STAFF = "clinic-staff";
    /** Fleet admins: the unit registry, credentials and commands. */
    public static final String FLEET_ADMIN = "fleet-admin";
    /** Another Second Heart service calling with its own short-lived token. */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
