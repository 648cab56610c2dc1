package com.secondheart.booking.clinics.repository;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "clinics")
public class Clinic {

    /** A slug: lower-case letters, digits and '-'; it appears in MQTT topics, so it never changes. */
    @Id
    @Column(name = "clinic_id")
    public String clinicId;

    public String name;

    /** IANA region id, e.g. Europe/Berlin. */
    @Column(name = "time_zone")
    public String timeZone;

    @Column(name = "created_at")
    public Instant createdAt;

    @ElementCollection
    @CollectionTable(name = "opening_hours", joinColumns = @JoinColumn(name = "clinic_id"))
    public List<OpeningHours> openingHours = new ArrayList<>();
}
