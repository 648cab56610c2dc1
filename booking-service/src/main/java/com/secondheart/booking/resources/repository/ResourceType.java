package com.secondheart.booking.resources.repository;

/** What a resource is; a service (issue 7) says which type it needs. */
public enum ResourceType {
    /** A compression boot unit, linked to exactly one edge-agent unit id. */
    BOOT_UNIT,
    MASSAGE_ROOM,
    THERAPIST
}
