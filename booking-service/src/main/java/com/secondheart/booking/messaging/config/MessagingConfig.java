package com.secondheart.booking.messaging.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Messages to clients (issue 19, docs/messaging.md), every key overridable by its environment variable
 * ({@code sh.messaging.whatsapp.access-token} by {@code SH_MESSAGING_WHATSAPP_ACCESS_TOKEN}, and so on). A channel
 * whose required keys are absent is off: nothing is planned for it and nothing is sent through it.
 */
@ConfigMapping(prefix = "sh.messaging")
public interface MessagingConfig {

    /** Channels tried in this order for a client: the first one they consented to, with an address, that is on. */
    @WithDefault("WHATSAPP,SMS,EMAIL")
    List<String> channelOrder();

    /** How often the dispatcher looks for due messages (SH_MESSAGING_DISPATCH_EVERY). */
    @WithDefault("5s")
    String dispatchEvery();

    /** Most messages one dispatcher pass claims. */
    @WithDefault("50")
    int batchSize();

    /** First retry after a failure that surely sent nothing; doubled each attempt up to {@link #retryMax()}. */
    @WithDefault("10s")
    Duration retryInitial();

    @WithDefault("10m")
    Duration retryMax();

    /** A message still not accepted this long after it was due is FAILED (and counted). */
    @WithDefault("24h")
    Duration giveUpAfter();

    /** A claim older than this whose outcome was never recorded (the dispatcher died mid-send) becomes UNKNOWN. */
    @WithDefault("2m")
    Duration lease();

    /** A reminder is worth sending only this long before the start at least; later it is dropped. */
    @WithDefault("30m")
    Duration reminderMinLead();

    /** Replies that withdraw consent on their channel, in the clinics' languages, compared without case or punctuation. */
    @WithDefault("STOP,STOPALL,UNSUBSCRIBE,END,QUIT,OPTOUT,STOPP,ABMELDEN,ARRET,ARRÊT,BAJA,PARAR,AFMELDEN")
    List<String> stopWords();

    /**
     * The address providers reach this service at from the internet, e.g. https://booking.example.org (behind the
     * ingress). Twilio signs the full URL it calls, so the signature check needs it; status callback URLs are built
     * from it. Absent: the SMS status callbacks are not requested.
     */
    Optional<String> publicUrl();

    Http http();

    Retention retention();

    WhatsApp whatsapp();

    Sms sms();

    Email email();

    interface Http {
        /** Connecting longer than this: nothing was sent, retried. */
        @WithDefault("3s")
        Duration connectTimeout();

        /** No answer this long after the request left: the outcome is unknown (never resent). */
        @WithDefault("15s")
        Duration requestTimeout();
    }

    /**
     * How long message texts are kept (docs/messaging.md, "Retention"): the bodies of messages sent (or settled)
     * longer ago than keep-for, and the texts clients wrote longer ago, are erased by {@code MessageRetention}; the
     * rows stay (kind, channel, status, times) so counts and the order of the conversation survive.
     */
    interface Retention {
        /** SH_MESSAGING_RETENTION_KEEP_FOR, e.g. 365d (a product choice, not a legal figure). */
        @WithDefault("365d")
        Duration keepFor();

        /** How often the purge runs (SH_MESSAGING_RETENTION_EVERY). */
        @WithDefault("1h")
        String every();

        /** Most rows one purge statement erases (short transactions; the next pass takes the rest). */
        @WithDefault("500")
        int batchSize();
    }

    /** WhatsApp Business Platform, Cloud API. On when phone-number-id and access-token are set. */
    interface WhatsApp {
        /** Graph API base (SH_MESSAGING_WHATSAPP_API_URL); a stand-in's address in the fleet and in tests. */
        @WithDefault("https://graph.facebook.com")
        String apiUrl();

        @WithDefault("v21.0")
        String apiVersion();

        /** The business phone number's id (not the number) messages are sent from. */
        Optional<String> phoneNumberId();

        /** System user access token (Bearer). */
        Optional<String> accessToken();

        /** The app secret Meta signs webhook payloads with (X-Hub-Signature-256); absent: the webhook refuses all. */
        Optional<String> appSecret();

        /** The token Meta's webhook verification request must echo (hub.verify_token). */
        Optional<String> verifyToken();

        /** Language code of the approved templates per ISO 639-1 language, e.g. en=en_US,de=de. Default: the language itself. */
        @WithDefault("en=en_US")
        List<String> templateLanguages();
    }

    /** SMS through Twilio's Programmable Messaging API. On when account-sid, auth-token and from are set. */
    interface Sms {
        @WithDefault("https://api.twilio.com")
        String apiUrl();

        Optional<String> accountSid();

        /** Basic-auth password for the API, and the key Twilio signs webhooks with (X-Twilio-Signature). */
        Optional<String> authToken();

        /** The sending number (E.164) or a Messaging Service SID (MG...). */
        Optional<String> from();
    }

    /** Email through SMTP (Quarkus Mailer; host, port, credentials in quarkus.mailer.* built from these keys). On when from and smtp-host are set. */
    interface Email {
        Optional<String> from();

        Optional<String> smtpHost();

        @WithDefault("25")
        int smtpPort();

        Optional<String> smtpUsername();

        Optional<String> smtpPassword();

        /** DISABLED, OPTIONAL or REQUIRED. */
        @WithDefault("OPTIONAL")
        String startTls();
    }
}
