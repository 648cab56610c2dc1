package com.secondheart.booking.closures.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDate;
import java.util.UUID;

/** Whole local days a clinic is closed (table {@code clinic_closures}), both ends included. */
@Entity
@Table(name = "clinic_closures")
public class Closure {

    @Id
    @Column(name = "closure_id")
    public UUID closureId;

    @Column(name = "clinic_id")
    public String clinicId;

    @Column(name = "first_day")
    public LocalDate firstDay;

    @Column(name = "last_day")
    public LocalDate lastDay;

    public String reason;
}
