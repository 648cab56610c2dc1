package com.secondheart.booking.clients.service;

import com.secondheart.booking.clients.repository.Client;
import com.secondheart.booking.clients.repository.ClientRepository;
import com.secondheart.booking.clients.repository.ConsentRepository;
import com.secondheart.booking.clients.repository.ConsentRepository.Consent;
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

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Clients and their screenings, for clinic staff of the client's clinic only. Another clinic's client and a client
 * that does not exist are refused alike ({@link Caller#denied()}). A null item means "no such clinic".
 */
@ApplicationScoped
public class ClientService {

    /** The answer to a change for, or a booking of, a client whose personal data was erased. */
    public static final String ERASED = "This client's personal data was erased; register them again as a new client.";

    private final ClientRepository clients;
    private final ScreeningRepository screenings;
    private final ClinicRepository clinics;
    private final Caller caller;
    private final BookingConfig config;
    private final ConsentRepository consents;
    private final Clock clock;

    public ClientService(ClientRepository clients, ScreeningRepository screenings, ClinicRepository clinics,
                         Caller caller, BookingConfig config, ConsentRepository consents, Clock clock) {
        this.consents = consents;
        this.clock = clock;
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
        client.phone = request.phone();
        client.email = request.email() == null ? null : request.email().strip().toLowerCase(java.util.Locale.ROOT);
        // the older single field still works: a number or an address in it fills the field the caller left out
        if (client.phone == null && client.contact != null) {
            client.phone = ContactRules.normalisePhone(client.contact);
        }
        if (client.email == null && client.contact != null && ContactRules.isEmail(client.contact)) {
            client.email = client.contact.toLowerCase(java.util.Locale.ROOT);
        }
        client.preferredLanguage = request.preferredLanguage();
        client.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var given = request.consents() == null ? List.<ConsentGiven>of() : request.consents();
        var named = new HashSet<String>();
        for (var consent : given) {
            if (consent == null || consent.channel() == null) {
                throw ProblemException.badRequest("Each consent names its channel: WHATSAPP, SMS or EMAIL.");
            }
            var channel = ContactRules.channel(consent.channel());
            if (!named.add(channel)) {
                throw ProblemException.badRequest("The consents name " + channel + " twice; name each channel once.");
            }
            requireAddress(client, channel);
        }
        return clinics.exists(clinicId).chain(exists -> {
            if (!exists) {
                return Uni.createFrom().nullItem();
            }
            // flushed first: the consents' native inserts refer to the client row
            Uni<Void> written = clients.persistAndFlush(client).replaceWithVoid();
            for (var consent : given) {
                written = written.chain(() -> consents.give(client.clientId, ContactRules.channel(consent.channel()),
                        givenAt(consent), consent.how(), caller.name()));
            }
            return written.chain(() -> consents.ofClient(client.clientId))
                    .map(all -> ClientView.of(client, all));
        });
    }

    /** Replaces the client's phone, email and language; a consent whose address goes away is withdrawn with it. */
    @WithTransaction
    public Uni<ClientView> changeContact(String clientId, ContactChange change) {
        return writableClient(clientId).chain(client -> {
            client.phone = change.phone();
            client.email = change.email() == null ? null : change.email().strip().toLowerCase(java.util.Locale.ROOT);
            client.preferredLanguage = change.preferredLanguage();
            var now = clock.instant();
            Uni<Void> done = clients.flush();
            if (client.phone == null) {
                done = done.chain(() -> consents.withdraw(client.clientId, "WHATSAPP", now, "AT_DESK").replaceWithVoid())
                        .chain(() -> consents.withdraw(client.clientId, "SMS", now, "AT_DESK").replaceWithVoid());
            }
            if (client.email == null) {
                done = done.chain(() -> consents.withdraw(client.clientId, "EMAIL", now, "AT_DESK").replaceWithVoid());
            }
            return done.chain(() -> consents.ofClient(client.clientId)).map(all -> ClientView.of(client, all));
        });
    }

    @WithTransaction
    public Uni<ClientView> giveConsent(String clientId, String channelName, ConsentGiven consent) {
        var channel = ContactRules.channel(channelName);
        if (consent.channel() != null && !ContactRules.channel(consent.channel()).equals(channel)) {
            throw ProblemException.badRequest("The body names channel " + consent.channel().toUpperCase(java.util.Locale.ROOT)
                    + " but the address names " + channel + "; leave the body's channel out or make them agree.");
        }
        return writableClient(clientId).chain(client -> {
            requireAddress(client, channel);
            return consents.give(client.clientId, channel, givenAt(consent), consent.how(), caller.name())
                    .chain(() -> consents.ofClient(client.clientId)).map(all -> ClientView.of(client, all));
        });
    }

    /** Withdrawn at the desk; withdrawing a consent that is not in force changes nothing. */
    @WithTransaction
    public Uni<ClientView> withdrawConsent(String clientId, String channelName) {
        var channel = ContactRules.channel(channelName);
        return visibleClient(clientId).chain(client -> consents.withdraw(client.clientId, channel, clock.instant(), "AT_DESK")
                .chain(() -> consents.ofClient(client.clientId)).map(all -> ClientView.of(client, all)));
    }

    private Instant givenAt(ConsentGiven consent) {
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (consent.givenAt() == null) {
            return now;
        }
        if (consent.givenAt().isAfter(now.plusSeconds(60))) {
            throw ProblemException.badRequest("A consent cannot be dated in the future.");
        }
        return consent.givenAt().truncatedTo(ChronoUnit.MICROS);
    }

    private static void requireAddress(Client client, String channel) {
        if (("WHATSAPP".equals(channel) || "SMS".equals(channel)) && client.phone == null) {
            throw ProblemException.badRequest("Consent to " + channelWord(channel)
                    + " needs the client's phone number in E.164 form (such as +4930123456); add the number first.");
        }
        if ("EMAIL".equals(channel) && client.email == null) {
            throw ProblemException.badRequest("Consent to email needs the client's email address; add the address first.");
        }
    }

    private static String channelWord(String channel) {
        return switch (channel) {
            case "WHATSAPP" -> "WhatsApp messages";
            case "SMS" -> "text messages (SMS)";
            default -> "email";
        };
    }

    @WithSession
    public Uni<List<ClientView>> list(String clinicId) {
        caller.requireClinic(clinicId);
        return clients.listByClinic(clinicId).chain(all -> consents.ofClinic(clinicId).map(given -> {
            var byClient = given.stream().collect(Collectors.groupingBy(Consent::clientId));
            return all.stream().map(client -> ClientView.of(client, byClient.getOrDefault(client.clientId, List.of()))).toList();
        }));
    }

    @WithSession
    public Uni<ClientView> find(String clientId) {
        return visibleClient(clientId).chain(client -> consents.ofClient(client.clientId).map(all -> ClientView.of(client, all)));
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
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var screenedAt = request.screenedAt() == null ? now : request.screenedAt().truncatedTo(ChronoUnit.MICROS);
        if (screenedAt.isAfter(now.plusSeconds(60))) {
            throw ProblemException.badRequest("A screening cannot be dated in the future.");
        }
        return writableClient(clientId).chain(client -> {
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

    /** As {@link #visibleClient}, and 409 for a client whose personal data was erased. */
    private Uni<Client> writableClient(String clientId) {
        return visibleClient(clientId).map(client -> {
            if (client.erasedAt != null) {
                throw ProblemException.conflict(ERASED);
            }
            return client;
        });
    }

    /** The client if the caller may see it; otherwise the same 403 whether it exists elsewhere or not at all. */
    public Uni<Client> visibleClient(String clientId) {
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
