package com.secondheart.booking.closures.service;

import com.secondheart.booking.closures.repository.Closure;

import java.time.LocalDate;
import java.util.UUID;

public record ClosureView(UUID closureId, String clinicId, LocalDate firstDay, LocalDate lastDay, String reason) {

    static ClosureView of(Closure closure) {
        return new ClosureView(closure.closureId, closure.clinicId, closure.firstDay, closure.lastDay, closure.reason);
    }
}
