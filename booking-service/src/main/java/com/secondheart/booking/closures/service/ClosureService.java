package com.secondheart.booking.closures.service;

import com.secondheart.booking.clinics.repository.ClinicRepository;
import com.secondheart.booking.closures.repository.Closure;
import com.secondheart.booking.closures.repository.ClosureRepository;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/**
 * Days a clinic is closed; availability offers nothing on them. Bookings already made on those days stay as they
 * are (the desk moves or cancels them). A null item means "no such clinic".
 */
@ApplicationScoped
public class ClosureService {

    private final ClosureRepository closures;
    private final ClinicRepository clinics;
    private final Caller caller;

    public ClosureService(ClosureRepository closures, ClinicRepository clinics, Caller caller) {
        this.closures = closures;
        this.clinics = clinics;
        this.caller = caller;
    }

    @WithTransaction
    public Uni<ClosureView> create(String clinicId, NewClosure request) {
        caller.requireClinic(clinicId);
        if (request.lastDay().isBefore(request.firstDay())) {
            throw ProblemException.badRequest("The closure ends (" + request.lastDay() + ") before it begins ("
                    + request.firstDay() + ").");
        }
        var closure = new Closure();
        closure.closureId = UUID.randomUUID();
        closure.clinicId = clinicId;
        closure.firstDay = request.firstDay();
        closure.lastDay = request.lastDay();
        closure.reason = request.reason().strip();
        return clinics.exists(clinicId).chain(exists -> exists
                ? closures.persist(closure).map(ClosureView::of)
                : Uni.createFrom().nullItem());
    }

    @WithSession
    public Uni<List<ClosureView>> list(String clinicId) {
        caller.requireClinic(clinicId);
        return clinics.exists(clinicId).chain(exists -> exists
                ? closures.listByClinic(clinicId).map(all -> all.stream().map(ClosureView::of).toList())
                : Uni.createFrom().nullItem());
    }
}
