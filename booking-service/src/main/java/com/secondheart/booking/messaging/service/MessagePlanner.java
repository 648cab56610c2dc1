package com.secondheart.booking.messaging.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.secondheart.booking.messaging.channel.Channels;
import com.secondheart.booking.messaging.config.MessagingConfig;
import com.secondheart.booking.messaging.repository.OutboxRepository;
import com.secondheart.booking.messaging.repository.OutboxRepository.NewMessage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Plans the messages a booking change causes and writes them to the outbox, inside the caller's transaction (the
 * booking change and its messages commit or roll back together). Nothing is written for a client without an active
 * consent on a channel that is on and has their address; that is counted (no_consent, no_channel).
 * <ul>
 *   <li>booked: a confirmation now; reminders the day before at the same local time (24 h) and 2 h before</li>
 *   <li>rescheduled: the open reminders are superseded, a notice now, reminders for the new time</li>
 *   <li>cancelled: the open reminders are superseded, a notice now</li>
 *   <li>no-show: a follow-up; completed: the check-in "How do your legs feel?"</li>
 * </ul>
 * Reminders, the follow-up and the check-in respect the clinic's quiet hours: one due inside them moves to their
 * end; a reminder that would then come later than sh.messaging.reminder-min-lead before the start is written as
 * DROPPED and counted (quiet_hours). Confirmations and notices answer a change the client or the desk just made
 * and go at once.
 */
@ApplicationScoped
public class MessagePlanner {

    /**
     * What messaging needs of a booking; the bookings feature hands it over ({@code Booking.visit()}), so messaging
     * never reads the booking entity.
     */
    public record Visit(UUID bookingId, String clinicId, String serviceId, UUID clientId, Instant startsAt) {
    }

    private static final Logger LOG = Logger.getLogger(MessagePlanner.class);
    public static final Set<String> REMINDERS = Set.of("REMINDER_24H", "REMINDER_2H");
    private static final Duration TWO_HOURS = Duration.ofHours(2);

    private final OutboxRepository outbox;
    private final Channels channels;
    private final MessagingConfig config;
    private final MessagingMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;

    public MessagePlanner(OutboxRepository outbox, Channels channels, MessagingConfig config, MessagingMetrics metrics,
                          ObjectMapper json, Clock clock) {
        this.outbox = outbox;
        this.channels = channels;
        this.config = config;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
    }

    /** Everything a message about this booking needs, read in one query. */
    record Facts(String clinicId, UUID clientId, String name, String phone, String email, String language,
                 String clinicName, ZoneId zone, LocalTime quietStart, LocalTime quietEnd, String serviceName,
                 Set<String> consented) {
    }

    private static final String FACTS = """
            select c.display_name, c.phone, c.email, coalesce(c.preferred_language, k.default_language), k.name,
                   k.time_zone, cast(k.quiet_hours_start as text), cast(k.quiet_hours_end as text), s.name,
                   (select string_agg(g.channel, ',') from client_consents g
                     where g.client_id = c.client_id and g.withdrawn_at is null)
              from clients c join clinics k on k.clinic_id = :clinicId join services s on s.service_id = :serviceId
             where c.client_id = :clientId
            """;

    private static final String TEMPLATE = """
            select subject, body, whatsapp_template from message_templates
             where kind = :kind and (clinic_id = :clinicId or clinic_id is null) and language in (:language, 'en')
             order by case when language = :language then 0 else 1 end, case when clinic_id is null then 1 else 0 end
             limit 1
            """;

    public Uni<Void> booked(Visit booking) {
        return facts(booking).chain(facts -> facts == null ? Uni.createFrom().voidItem()
                : plan(facts, booking, "CONFIRMATION", now(), null)
                .chain(() -> reminders(facts, booking)));
    }

    public Uni<Void> rescheduled(Visit booking) {
        return outbox.supersedeReminders(booking.bookingId(), now())
                .chain(() -> facts(booking))
                .chain(facts -> facts == null ? Uni.createFrom().voidItem()
                        : plan(facts, booking, "RESCHEDULED", now(), null).chain(() -> reminders(facts, booking)));
    }

    public Uni<Void> cancelled(Visit booking) {
        return outbox.supersedeReminders(booking.bookingId(), now())
                .chain(() -> facts(booking))
                .chain(facts -> facts == null ? Uni.createFrom().voidItem() : plan(facts, booking, "CANCELLED", now(), null));
    }

    public Uni<Void> noShow(Visit booking) {
        return outbox.supersedeReminders(booking.bookingId(), now())
                .chain(() -> facts(booking))
                .chain(facts -> facts == null ? Uni.createFrom().voidItem()
                        : plan(facts, booking, "NO_SHOW_FOLLOW_UP", outsideQuietHours(facts, now()), null));
    }

    /** A finished session (the unit's report, or the desk for a session without a unit). */
    public Uni<Void> completed(Visit booking) {
        return outbox.supersedeReminders(booking.bookingId(), now())
                .chain(() -> facts(booking))
                .chain(facts -> facts == null ? Uni.createFrom().voidItem()
                        : plan(facts, booking, "CHECK_IN", outsideQuietHours(facts, now()), null));
    }

    private Uni<Void> reminders(Facts facts, Visit booking) {
        var now = now();
        var usefulUntil = booking.startsAt().minus(config.reminderMinLead());
        return reminder(facts, booking, "REMINDER_24H", QuietHours.dayBefore(booking.startsAt(), facts.zone()), usefulUntil, now)
                .chain(() -> reminder(facts, booking, "REMINDER_2H", QuietHours.hoursBefore(booking.startsAt(), TWO_HOURS), usefulUntil, now));
    }

    private Uni<Void> reminder(Facts facts, Visit booking, String kind, Instant due, Instant usefulUntil, Instant now) {
        if (!due.isAfter(now)) {
            // booked too close to the start for this reminder: the confirmation has just told them
            return Uni.createFrom().voidItem();
        }
        var allowed = outsideQuietHours(facts, due);
        if (allowed.isAfter(usefulUntil)) {
            metrics.dropped("quiet_hours");
            return plan(facts, booking, kind, allowed, usefulUntil, "DROPPED");
        }
        return plan(facts, booking, kind, allowed, usefulUntil);
    }

    private Instant outsideQuietHours(Facts facts, Instant due) {
        return QuietHours.firstAllowed(due, facts.zone(), facts.quietStart(), facts.quietEnd());
    }

    private Uni<Void> plan(Facts facts, Visit booking, String kind, Instant due, Instant usefulUntil) {
        return plan(facts, booking, kind, due, usefulUntil, "PENDING");
    }

    private Uni<Void> plan(Facts facts, Visit booking, String kind, Instant due, Instant usefulUntil, String status) {
        var channel = channelFor(facts);
        if (channel == null) {
            return Uni.createFrom().voidItem();
        }
        return template(kind, facts.clinicId(), facts.language()).chain(template -> {
            if (template == null) {
                LOG.warnf("no template for %s in %s or en; nothing planned", kind, facts.language());
                metrics.dropped("no_template");
                return Uni.createFrom().voidItem();
            }
            var language = template.language();
            // the date is written in the template's language (the client's, or English when theirs has no text yet)
            var params = params(facts, booking, language);
            if ("PENDING".equals(status)) {
                metrics.planned(kind, channel);
            }
            return outbox.insert(new NewMessage(UUID.randomUUID(), facts.clinicId(), facts.clientId(), booking.bookingId(),
                    kind, channel, language, fill(template.subject(), params), fill(template.body(), params),
                    template.whatsappTemplate(), toJson(params), due.truncatedTo(ChronoUnit.MICROS),
                    usefulUntil == null ? null : usefulUntil.truncatedTo(ChronoUnit.MICROS), status, null,
                    now().truncatedTo(ChronoUnit.MICROS)));
        });
    }

    /** The first channel in sh.messaging.channel-order that is on, consented to and has the client's address. */
    private String channelFor(Facts facts) {
        boolean anyConsent = false;
        for (var channel : channels.order()) {
            if (!facts.consented().contains(channel)) {
                continue;
            }
            anyConsent = true;
            var address = "EMAIL".equals(channel) ? facts.email() : facts.phone();
            if (address != null && channels.enabled(channel)) {
                return channel;
            }
        }
        metrics.dropped(anyConsent ? "no_channel" : "no_consent");
        return null;
    }

    /** Booking facts in the client's language, in the clinic's time zone; no health details exist among them. */
    private static List<String> params(Facts facts, Visit booking, String language) {
        var locale = Locale.forLanguageTag(language);
        var local = booking.startsAt().atZone(facts.zone());
        return List.of(facts.name(), facts.clinicName(), facts.serviceName(),
                DateTimeFormatter.ofPattern("EEEE d MMMM", locale).format(local),
                DateTimeFormatter.ofPattern("HH:mm", locale).format(local));
    }

    /** Placeholders {name} {clinic} {service} {date} {time}, in the order WhatsApp template parameters take them. */
    static String fill(String text, List<String> params) {
        return text.replace("{name}", params.get(0)).replace("{clinic}", params.get(1)).replace("{service}", params.get(2))
                .replace("{date}", params.get(3)).replace("{time}", params.get(4));
    }

    private String toJson(List<String> params) {
        try {
            return json.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    record Template(String language, String subject, String body, String whatsappTemplate) {
    }

    private Uni<Template> template(String kind, String clinicId, String language) {
        return Panache.getSession().chain(session -> session.createNativeQuery(TEMPLATE.replace("select subject",
                                "select language, subject"), Object[].class)
                        .setParameter("kind", kind)
                        .setParameter("clinicId", clinicId)
                        .setParameter("language", language)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null
                        : new Template((String) rows.get(0)[0], (String) rows.get(0)[1], (String) rows.get(0)[2], (String) rows.get(0)[3]));
    }

    private Uni<Facts> facts(Visit booking) {
        return Panache.getSession().chain(session -> session.createNativeQuery(FACTS, Object[].class)
                .setParameter("clinicId", booking.clinicId())
                .setParameter("serviceId", booking.serviceId())
                .setParameter("clientId", booking.clientId())
                .getResultList()).map(rows -> {
                    if (rows.isEmpty()) {
                        return null;
                    }
                    var r = rows.get(0);
                    var consented = r[9] == null ? Set.<String>of() : Set.copyOf(Arrays.asList(((String) r[9]).split(",")));
                    return new Facts(booking.clinicId(), booking.clientId(), (String) r[0], (String) r[1], (String) r[2],
                            (String) r[3], (String) r[4], ZoneId.of((String) r[5]), LocalTime.parse((String) r[6]),
                            LocalTime.parse((String) r[7]), (String) r[8], consented);
                });
    }

    private Instant now() {
        return clock.instant();
    }
}
