package com.secondheart.booking.clients.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A client of one clinic (table {@code clients}). The display name and contact never leave this service: not in
 * logs, MQTT payloads or metric labels; everything else knows the client by {@link #clientId} only.
 */
@Entity
@Table(name = "clients")
public class Client {

    @Id
    @Column(name = "client_id")
    public UUID clientId;

    @Column(name = "clinic_id")
    public String clinicId;

    @Column(name = "display_name")
    public String displayName;

    /** Free text kept for older callers; {@link #phone} and {@link #email} are what messages go to. */
    public String contact;

    /** E.164, such as +4930123456. */
    public String phone;

    public String email;

    /** ISO 639-1 (two letters); null: the clinic's default language. */
    @Column(name = "preferred_language")
    public String preferredLanguage;

    @Column(name = "created_at")
    public Instant createdAt;

    /** When the client's personal data was erased (DELETE /clients/{id} or retention); null while it is held. */
    @Column(name = "erased_at")
    public Instant erasedAt;

    @Override
    public String toString() {
        // never the name or contact, should a client ever end up in a log line
        return "Client[" + clientId + "]";
    }
}
