package com.secondheart.booking.messaging.channel;

import com.secondheart.booking.messaging.config.MessagingConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Email through SMTP with Quarkus Mailer (server, port and credentials in {@code quarkus.mailer.*}, built from
 * {@code sh.messaging.email.*} in application.properties). SMTP has no status callback, so an UNKNOWN email stays
 * unknown and is counted.
 */
@ApplicationScoped
public class EmailChannel implements MessageChannel {

    private final MessagingConfig.Email config;
    private final ReactiveMailer mailer;

    public EmailChannel(MessagingConfig config, ReactiveMailer mailer) {
        this.config = config.email();
        this.mailer = mailer;
    }

    @Override
    public String name() {
        return "EMAIL";
    }

    @Override
    public boolean enabled() {
        return config.from().isPresent() && config.smtpHost().isPresent();
    }

    @Override
    public Uni<Result> send(Outgoing message) {
        var mail = Mail.withText(message.to(), message.subject() == null ? "" : message.subject(), message.body())
                .setFrom(config.from().orElseThrow());
        // SMTP gives no id to follow up on; ours stands in as the provider id
        return mailer.send(mail).<Result>map(ignored -> new Accepted("smtp:" + message.messageId()))
                .onFailure().recoverWithItem(EmailChannel::classify);
    }

    static Result classify(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || String.valueOf(cause.getMessage()).contains("Connection refused")) {
                return new Retry("no connection to the SMTP server: " + cause.getMessage());
            }
            if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
                return new Unknown("the SMTP server did not answer in time");
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        // an SMTP refusal (4xx/5xx reply) before the message was accepted: nothing was delivered, try again later
        return new Retry("the SMTP server refused: " + failure.getMessage());
    }
}
