package com.secondheart.dashboard.overview.service;

import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.overview.client.BookingClinic;
import com.secondheart.dashboard.overview.client.GatewayClient;
import com.secondheart.dashboard.overview.client.GatewayUnit;
import com.secondheart.dashboard.overview.client.SessionCount;
import com.secondheart.dashboard.overview.model.Overview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's own rules (sharing, paging limits, deadlines) with in-memory upstreams; the HTTP side is in OverviewEndpointTest. */
class OverviewServiceTest {

    private final AtomicInteger bookingCalls = new AtomicInteger();
    private final AtomicInteger unitPagesRead = new AtomicInteger();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void overviewsAskedForWithinTheMaxAgeShareOneRoundOfUpstreamCalls() {
        var service = service(Duration.ofMinutes(1), Duration.ofSeconds(5), (page, size) -> Uni.createFrom().item(List.<GatewayUnit>of()));

        service.overview().await().atMost(Duration.ofSeconds(5));
        service.overview().await().atMost(Duration.ofSeconds(5));

        assertEquals(1, bookingCalls.get());
    }

    @Test
    void withoutAMaxAgeEveryOverviewAsksAgain() {
        var service = service(Duration.ZERO, Duration.ofSeconds(5), (page, size) -> Uni.createFrom().item(List.<GatewayUnit>of()));

        service.overview().await().atMost(Duration.ofSeconds(5));
        service.overview().await().atMost(Duration.ofSeconds(5));

        assertEquals(2, bookingCalls.get());
    }

    @Test
    void aGatewayThatIgnoresPagingIsNotReadForever() {
        var everyUnit = List.of(unit("u1"), unit("u2"));
        var service = service(Duration.ZERO, Duration.ofSeconds(5), (page, size) -> {
            unitPagesRead.incrementAndGet();
            return Uni.createFrom().item(everyUnit);
        });

        var overview = overview(service);

        assertEquals(2, unitPagesRead.get(), "the second page brought nothing new");
        assertEquals(2, overview.fleet().units());
    }

    @Test
    void thePageLimitStopsAGatewayThatNeverRunsOutOfUnits() {
        var service = service(Duration.ZERO, Duration.ofSeconds(5), (page, size) -> {
            unitPagesRead.incrementAndGet();
            return Uni.createFrom().item(IntStream.range(0, size).mapToObj(i -> unit("u" + page + "-" + i)).toList());
        });

        var overview = overview(service);

        assertEquals(3, unitPagesRead.get());
        assertEquals(3 * 2, overview.fleet().units());
        assertEquals("ok", overview.sources().gateway());
    }

    @Test
    void aSourceThatNeverAnswersIsUnavailableOnceItsDeadlinePasses() {
        var service = service(Duration.ZERO, Duration.ofMillis(200), (page, size) -> Uni.createFrom().nothing());

        var overview = overview(service);

        assertEquals("unavailable", overview.sources().gateway());
        assertEquals("ok", overview.sources().booking());
        assertEquals(List.of("c"), overview.clinics().stream().map(clinic -> clinic.clinicId()).toList());
        assertEquals(1.0, meters.counter("sh.dashboard.upstream.failures", "source", "gateway").count());
    }

    @Test
    void withNoClinicKnownTelemetryIsStillAskedWhetherItAnswers() {
        var telemetryAsked = new AtomicInteger();
        var service = new OverviewService(
                () -> Uni.createFrom().failure(new IllegalStateException("booking down")),
                (page, size) -> Uni.createFrom().failure(new IllegalStateException("gateway down")),
                clinicId -> {
                    telemetryAsked.incrementAndGet();
                    return Uni.createFrom().item(List.<SessionCount>of());
                },
                config(Duration.ZERO, Duration.ofSeconds(5)), meters, java.time.Clock.systemUTC());

        var overview = overview(service);

        assertEquals(1, telemetryAsked.get());
        assertEquals("ok", overview.sources().telemetry());
        assertTrue(overview.clinics().isEmpty());
    }

    private static Overview overview(OverviewService service) {
        return service.overview().await().atMost(Duration.ofSeconds(5));
    }

    private OverviewService service(Duration maxAge, Duration deadline, GatewayClient gateway) {
        return new OverviewService(
                () -> {
                    bookingCalls.incrementAndGet();
                    return Uni.createFrom().item(List.of(new BookingClinic("c", "Clinic", "UTC")));
                },
                gateway,
                clinicId -> Uni.createFrom().item(List.<SessionCount>of()),
                config(maxAge, deadline), meters, java.time.Clock.systemUTC());
    }

    private static GatewayUnit unit(String unitId) {
        return new GatewayUnit(unitId, "c", "SH-Boot 5", 5, "2.1.0", true, "ONLINE", 1L, null, null);
    }

    private static DashboardConfig config(Duration maxAge, Duration deadline) {
        return new DashboardConfig() {
            @Override
            public Duration pollInterval() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Duration overviewMaxAge() {
                return maxAge;
            }

            @Override
            public Upstream upstream() {
                return new Upstream() {
                    @Override
                    public Duration connectTimeout() {
                        return Duration.ofSeconds(1);
                    }

                    @Override
                    public Duration readTimeout() {
                        return Duration.ofSeconds(2);
                    }

                    @Override
                    public Duration deadline() {
                        return deadline;
                    }

                    @Override
                    public int unitsPageSize() {
                        return 2;
                    }

                    @Override
                    public int unitsMaxPages() {
                        return 3;
                    }

                    @Override
                    public int telemetryConcurrency() {
                        return 2;
                    }
                };
            }

            @Override
            public Desk desk() {
                throw new UnsupportedOperationException("not used by the overview");
            }

            @Override
            public SignIn signIn() {
                throw new UnsupportedOperationException("not used by the overview");
            }

            @Override
            public Live live() {
                throw new UnsupportedOperationException("not used by the overview");
            }
        };
    }
}
