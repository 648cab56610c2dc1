package com.secondheart.dashboard.today.service;

import com.secondheart.dashboard.overview.client.AggregatesClient;
import com.secondheart.dashboard.overview.client.BookingsClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Today's bookings (booking-service) and utilization (telemetry-service's aggregates) per clinic, read with the
 * dashboard's service token at most every {@code sh.dashboard.live.today-every} (30s) and shared by every viewer. A source that does not answer
 * leaves its number null (shown as "–"), never zero.
 */
@ApplicationScoped
public class TodayService {

    private static final Duration DEADLINE = Duration.ofSeconds(4);

    private final BookingsClient bookings;
    private final AggregatesClient aggregates;
    private final Duration every;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, ClinicDay> days = new ConcurrentHashMap<>();
    private volatile java.time.Instant readAt = java.time.Instant.MIN;

    TodayService(BookingsClient bookings, AggregatesClient aggregates, com.secondheart.dashboard.config.DashboardConfig config) {
        this.bookings = bookings;
        this.aggregates = aggregates;
        this.every = config.live().todayEvery();
    }

    /** @return whether it read again (the caller then tells viewers) */
    public Uni<Boolean> refresh(Collection<String> clinicIds) {
        if (clock.instant().isBefore(readAt.plus(every)) || clinicIds.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        readAt = clock.instant();
        var today = LocalDate.now(clock).toString();
        return Multi.createFrom().iterable(List.copyOf(clinicIds))
                .onItem().transformToUni(clinicId -> day(clinicId, today)).merge(4)
                .collect().asList()
                .map(list -> {
                    list.forEach(day -> days.put(day.clinicId(), day));
                    return true;
                });
    }

    public List<ClinicDay> days(java.util.function.Predicate<String> visible) {
        return days.values().stream().filter(day -> visible.test(day.clinicId())).toList();
    }

    private Uni<ClinicDay> day(String clinicId, String today) {
        var booked = bookings.list(clinicId, today, today, 500)
                .ifNoItem().after(DEADLINE).fail()
                .map(rows -> rows.stream().filter(row -> !"CANCELLED".equals(row.status())).toList())
                .onFailure().recoverWithNull();
        var used = aggregates.aggregates(today, today, clinicId, null, "clinic")
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
