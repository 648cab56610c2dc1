package com.secondheart.dashboard.today.service;

import com.secondheart.dashboard.overview.client.AggregatesClient;
import com.secondheart.dashboard.overview.client.BookingsClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Today's bookings (booking-service) and utilization (telemetry-service's aggregates) per clinic, read with the
 * dashboard's service token at most every {@code sh.dashboard.live.today-every} (30s) and shared by every viewer. A source that does not answer
 * leaves its number null (shown as "–"), never zero.
 *
 * <p>"Today" is each clinic's own local day in its time zone (booking's clinic record; UTC only for a clinic booking
 * does not know): booking-service is asked for the UTC days that day touches and only bookings starting inside it
 * are counted, and telemetry's aggregates are already kept in clinic-local days.
 */
@ApplicationScoped
public class TodayService {

    private static final Duration DEADLINE = Duration.ofSeconds(4);

    private final BookingsClient bookings;
    private final AggregatesClient aggregates;
    private final Duration every;
    private final Clock clock;
    private final Map<String, ClinicDay> days = new ConcurrentHashMap<>();
    private volatile java.time.Instant readAt = java.time.Instant.MIN;

    TodayService(BookingsClient bookings, AggregatesClient aggregates, com.secondheart.dashboard.config.DashboardConfig config,
                 Clock clock) {
        this.clock = clock;
        this.bookings = bookings;
        this.aggregates = aggregates;
        this.every = config.live().todayEvery();
    }

    /**
     * @param clinics each clinic's time zone (null: UTC)
     * @return whether it read again (the caller then tells viewers)
     */
    public Uni<Boolean> refresh(Map<String, ZoneId> clinics) {
        if (clock.instant().isBefore(readAt.plus(every)) || clinics.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        readAt = clock.instant();
        return Multi.createFrom().iterable(List.copyOf(clinics.entrySet()))
                .onItem().transformToUni(clinic -> day(clinic.getKey(), localDay(clinic.getValue(), clock.instant()))).merge(4)
                .collect().asList()
                .map(list -> {
                    list.forEach(day -> days.put(day.clinicId(), day));
                    return true;
                });
    }

    public List<ClinicDay> days(java.util.function.Predicate<String> visible) {
        return days.values().stream().filter(day -> visible.test(day.clinicId())).toList();
    }

    /** A clinic's local day as the instants it starts and ends at. */
    public record LocalDay(LocalDate date, Instant start, Instant end) {

        boolean contains(String instant) {
            try {
                var at = Instant.parse(instant);
                return !at.isBefore(start) && at.isBefore(end);
            } catch (RuntimeException unreadable) {
                return false;
            }
        }
    }

    public static LocalDay localDay(ZoneId zone, Instant now) {
        var date = LocalDate.ofInstant(now, zone == null ? ZoneOffset.UTC : zone);
        var in = zone == null ? ZoneOffset.UTC : zone;
        return new LocalDay(date, date.atStartOfDay(in).toInstant(), date.plusDays(1).atStartOfDay(in).toInstant());
    }

    private Uni<ClinicDay> day(String clinicId, LocalDay today) {
        var fromUtc = LocalDate.ofInstant(today.start(), ZoneOffset.UTC).toString();
        var toUtc = LocalDate.ofInstant(today.end().minusNanos(1), ZoneOffset.UTC).toString();
        var booked = bookings.list(clinicId, fromUtc, toUtc, 500)
                .ifNoItem().after(DEADLINE).fail()
                .map(rows -> rows.stream().filter(row -> !"CANCELLED".equals(row.status()))
                        .filter(row -> today.contains(row.startsAt())).toList())
                .onFailure().recoverWithNull();
        var used = aggregates.aggregates(today.date().toString(), today.date().toString(), clinicId, null, "clinic")
                .ifNoItem().after(DEADLINE).fail()
                .map(answer -> answer.rows() == null ? null : answer.rows().stream()
                        .map(AggregatesClient.Row::utilization).filter(java.util.Objects::nonNull).findFirst().orElse(null))
                .onFailure().recoverWithNull();
        return Uni.combine().all().unis(booked, used).asTuple().map(both -> {
            var rows = both.getItem1();
            return new ClinicDay(clinicId,
                    rows == null ? null : (long) rows.size(),
                    rows == null ? null : rows.stream().filter(row -> "NO_SHOW".equals(row.status())).count(),
                    both.getItem2());
        });
    }
}
