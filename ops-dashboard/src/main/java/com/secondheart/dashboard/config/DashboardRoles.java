package com.secondheart.dashboard.config;

import com.secondheart.support.security.Roles;

/** Who may use the dashboard's API: people, never another service (a service has no business with the page). */
public final class DashboardRoles {

    public static final String OPERATIONS = Roles.OPERATIONS;
    public static final String CLINIC_STAFF = Roles.CLINIC_STAFF;
    public static final String FLEET_ADMIN = Roles.FLEET_ADMIN;

    private DashboardRoles() {
    }
}
