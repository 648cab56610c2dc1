package com.secondheart.booking.clients.service;

import com.secondheart.booking.clients.repository.Client;
import com.secondheart.booking.clients.repository.ClientRepository;
import com.secondheart.booking.clients.repository.Contraindication;
import com.secondheart.booking.clients.repository.Screening;
import com.secondheart.booking.clients.repository.ScreeningRepository;
import com.secondheart.booking.clinics.repository.ClinicRepository;
import com.secondheart.booking.config.BookingConfig;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Clients and their screenings, for clinic staff of the client's clinic only. Another clinic's client and a client
 * that does not exist are refused alike ({@link Caller#denied()}). A null item means "no such clinic".
 */
@ApplicationScoped
public class ClientService {

    private final ClientRepository clients;
    private final ScreeningRepository screenings;
    private final ClinicRepository clinics;
    private final Caller caller;
    private final BookingConfig config;

    public ClientService(ClientRepository clients, ScreeningRepository screenings, ClinicRepository clinics,
                         Caller caller, BookingConfig config) {
        this.clients = clients;
        this.screenings = screenings;
        this.clinics = clinics;
        this.caller = caller;
        this.config = config;
    }

    @WithTransaction
    public Uni<ClientView> create(String clinicId, NewClient request) {
        caller.requireClinic(clinicId);
        var client = new Client();
        client.clientId = UUID.randomUUID();
        client.clinicId = clinicId;
        client.displayName = request.displayName().strip();
        client.contact = request.contact() == null || request.contact().isBlank() ? null : request.contact().strip();
        client.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return clinics.exists(clinicId).chain(exists -> exists
                ? clients.persist(client).map(ClientView::of)
                : Uni.createFrom().nullItem());
    }

    @WithSession
    public Uni<List<ClientView>> list(String clinicId) {
        caller.requireClinic(clinicId);
        return clients.listByClinic(clinicId).map(all -> all.stream().map(ClientView::of).toList());
    }

    @WithSession
    public Uni<ClientView> find(String clientId) {
        return visibleClient(clientId).map(ClientView::of);
    }

    @WithTransaction
    public Uni<ScreeningView> screen(String clientId, NewScreening request) {
        var missing = Arrays.stream(Contraindication.values())
                .filter(item -> request.answers().get(item) == null)
                .map(Enum::name)
                .collect(Collectors.joining(", "));
        if (!missing.isEmpty()) {
            throw ProblemException.badRequest("Every contraindication needs a true or false answer; missing: " + missing + ".");
        }
        var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        var screenedAt = request.screenedAt() == null ? now : request.screenedAt().truncatedTo(ChronoUnit.MICROS);
        if (screenedAt.isAfter(now.plusSeconds(60))) {
            throw ProblemException.badRequest("A screening cannot be dated in the future.");
        }
        return visibleClient(clientId).chain(client -> {
            var screening = new Screening();
            screening.screeningId = UUID.randomUUID();
            screening.clientId = client.clientId;
            screening.screenedAt = screenedAt;
            screening.recordedBy = caller.name();
            screening.setAnswers(request.answers());
            return screenings.persist(screening);
        }).map(screening -> ScreeningView.of(screening, config.booking().screeningValidFor()));
    }

    @WithSession
    public Uni<List<ScreeningView>> screenings(String clientId) {
        return visibleClient(clientId).chain(client -> screenings.listByClient(client.clientId))
                .map(all -> all.stream().map(s -> ScreeningView.of(s, config.booking().screeningValidFor())).toList());
    }

    /** The client if the caller may see it; otherwise the same 403 whether it exists elsewhere or not at all. */
    private Uni<Client> visibleClient(String clientId) {
        UUID id;
        try {
            id = UUID.fromString(clientId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(Caller.denied());
        }
        return clients.findById(id).map(client -> {
            if (client == null || !caller.maySee(client.clinicId)) {
                throw Caller.denied();
            }
            return client;
        });
    }
}
