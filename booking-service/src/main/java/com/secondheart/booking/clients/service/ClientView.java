package com.secondheart.booking.clients.service;

import com.secondheart.booking.clients.repository.Client;

import java.time.Instant;
import java.util.UUID;

/** A client as the desk sees it (only clinic staff of the client's clinic ever do). */
public record ClientView(UUID clientId, String clinicId, String displayName, String contact, Instant createdAt) {

    static ClientView of(Client client) {
        return new ClientView(client.clientId, client.clinicId, client.displayName, client.contact, client.createdAt);
    }

    @Override
    public String toString() {
        return "ClientView[" + clientId + "]";
    }
}
