package com.secondheart.booking.clients.service;

import com.secondheart.booking.clients.repository.Client;
import com.secondheart.booking.clients.repository.ConsentRepository.Consent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A client as the desk sees it (only clinic staff of the client's clinic ever do), with their consents per channel. */
public record ClientView(UUID clientId, String clinicId, String displayName, String contact, String phone, String email,
                         String preferredLanguage, List<ConsentView> consents, Instant createdAt,
                         Instant erasedAt) {

    /** One channel's consent: given when and how, and withdrawn when and how (null while it is in force). */
    public record ConsentView(String channel, boolean active, Instant givenAt, String givenHow, String recordedBy,
                              Instant withdrawnAt, String withdrawnHow) {
        static ConsentView of(Consent consent) {
            return new ConsentView(consent.channel(), consent.active(), consent.givenAt(), consent.givenHow(),
                    consent.recordedBy(), consent.withdrawnAt(), consent.withdrawnHow());
        }
    }

    static ClientView of(Client client, List<Consent> consents) {
        return new ClientView(client.clientId, client.clinicId, client.displayName, client.contact, client.phone,
                client.email, client.preferredLanguage, consents.stream().map(ConsentView::of).toList(), client.createdAt,
                client.erasedAt);
    }

    @Override
    public String toString() {
        return "ClientView[" + clientId + "]";
    }
}
