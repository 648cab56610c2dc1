package com.secondheart.booking.privacy.service;

import com.secondheart.booking.config.BookingConfig;
import com.secondheart.booking.privacy.repository.PersonalDataRepository;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** A clinic's retention of clients' personal data, in months; null: the chain's default. */
@ApplicationScoped
public class RetentionSettings {

    /** As the API shows it: the clinic's own months (null: none set), the default, and the months that apply. */
    public record View(String clinicId, Integer retentionMonths, int defaultMonths, int effectiveMonths) {
    }

    /** The PUT body. */
    public record Change(Integer retentionMonths) {
    }

    private final PersonalDataRepository data;
    private final BookingConfig config;
    private final Caller caller;

    public RetentionSettings(PersonalDataRepository data, BookingConfig config, Caller caller) {
        this.data = data;
        this.config = config;
        this.caller = caller;
    }

    @WithSession
    public Uni<View> get(String clinicId) {
        caller.requireClinic(clinicId);
        return data.retentionMonths(clinicId).map(months -> months == null ? null : view(clinicId, months.orElse(null)));
    }

    @WithTransaction
    public Uni<View> set(String clinicId, Change change) {
        caller.requireClinic(clinicId);
        var months = change == null ? null : change.retentionMonths();
        if (months != null && (months < 1 || months > 240)) {
            throw ProblemException.badRequest("retentionMonths must be between 1 and 240, or null for the default of "
                    + config.privacy().retention().defaultMonths() + ".");
        }
        return data.setRetentionMonths(clinicId, months).map(found -> found ? view(clinicId, months) : null);
    }

    private View view(String clinicId, Integer months) {
        var defaultMonths = config.privacy().retention().defaultMonths();
        return new View(clinicId, months, defaultMonths, months == null ? defaultMonths : months);
    }
}
