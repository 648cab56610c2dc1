package com.secondheart.dashboard.overview.client;

import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.support.security.ServiceTokenFilter;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Builds the three upstream clients from the shared service addresses ({@code sh.booking.url}, {@code sh.gateway.url},
 * {@code sh.telemetry.url}) and the dashboard's own timeouts, so one setting governs them all.
 */
@ApplicationScoped
public class UpstreamClients {

    private final DashboardConfig.Upstream upstream;
    private final String bookingUrl;
    private final String gatewayUrl;
    private final String telemetryUrl;

    UpstreamClients(DashboardConfig config,
                    @ConfigProperty(name = "sh.booking.url") String bookingUrl,
                    @ConfigProperty(name = "sh.gateway.url") String gatewayUrl,
                    @ConfigProperty(name = "sh.telemetry.url") String telemetryUrl) {
        this.upstream = config.upstream();
        this.bookingUrl = bookingUrl;
        this.gatewayUrl = gatewayUrl;
        this.telemetryUrl = telemetryUrl;
    }

    @Produces
    @ApplicationScoped
    BookingClient booking() {
        return build(bookingUrl, BookingClient.class);
    }

    @Produces
    @ApplicationScoped
    GatewayClient gateway() {
        return build(gatewayUrl, GatewayClient.class);
    }

    @Produces
    @ApplicationScoped
    TelemetryClient telemetry() {
        return build(telemetryUrl, TelemetryClient.class);
    }

    @Produces
    @ApplicationScoped
    BookingsClient bookings() {
        return build(bookingUrl, BookingsClient.class);
    }

    @Produces
    @ApplicationScoped
    AggregatesClient aggregates() {
        return build(telemetryUrl, AggregatesClient.class);
    }

    @Produces
    @ApplicationScoped
    GatewayJournalClient gatewayJournal() {
        return build(gatewayUrl, GatewayJournalClient.class);
    }

    @Produces
    @ApplicationScoped
    GatewayCommandsClient gatewayCommands() {
        return build(gatewayUrl, GatewayCommandsClient.class);
    }

    /**
     * Every client shows the dashboard's own service token unless the call carries the signed-in person's
     * (commands): the dashboard reads every clinic once and filters per viewer itself.
     */
    private <T> T build(String url, Class<T> type) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(url))
                .register(ServiceTokenFilter.class)
                .connectTimeout(upstream.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(upstream.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(type);
    }
}
