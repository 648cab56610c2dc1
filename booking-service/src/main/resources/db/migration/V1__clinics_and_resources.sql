-- booking-service schema, owned by Flyway (Hibernate never changes it).

-- Bookings (issue 7) will refuse double booking with an exclusion constraint on (resource, time range), which
-- needs btree_gist. It is a trusted extension (PostgreSQL 13+): the database owner may create it without being
-- superuser.
create extension if not exists btree_gist;

create table clinics (
    clinic_id  text        primary key check (clinic_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name       text        not null check (length(name) between 1 and 200),
    -- an IANA region id (Europe/Berlin), checked by the service against java.time.ZoneId
    time_zone  text        not null,
    created_at timestamptz not null default now()
);

-- Local opening times per weekday; a day without rows is closed. Several rows per day allow a midday break.
create table opening_hours (
    clinic_id   text     not null references clinics (clinic_id) on delete cascade,
    day_of_week smallint not null check (day_of_week between 1 and 7), -- ISO 8601: 1 = Monday ... 7 = Sunday
    opens       time     not null,
    closes      time     not null,
    primary key (clinic_id, day_of_week, opens),
    check (opens < closes)
);

-- What can be booked: boot units (each linked to one edge-agent unit), massage rooms, therapists.
create table resources (
    resource_id text        primary key check (resource_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    clinic_id   text        not null references clinics (clinic_id),
    type        text        not null check (type in ('BOOT_UNIT', 'MASSAGE_ROOM', 'THERAPIST')),
    name        text        not null check (length(name) between 1 and 200),
    unit_id     text        unique,
    active      boolean     not null default true,
    created_at  timestamptz not null default now(),
    constraint resources_unit_only_for_boots check ((type = 'BOOT_UNIT') = (unit_id is not null))
);

create index resources_by_clinic on resources (clinic_id, resource_id);
