package com.secondheart.dashboard.overview.client;

import com.secondheart.dashboard.signin.TestUsers;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Starts booking, gateway and telemetry stand-ins on free ports before the application starts, points
 * {@code sh.booking.url}, {@code sh.gateway.url} and {@code sh.telemetry.url} at them (and trusts {@link TestTokens}),
 * and hands them to the test's
 * {@link InjectUpstreams} field.
 */
public class UpstreamStubs implements QuarkusTestResourceLifecycleManager {

    private Upstreams upstreams;

    @Override
    public Map<String, String> start() {
        upstreams = new Upstreams(new StubServer("booking"), new StubServer("gateway"), new StubServer("telemetry"));
        upstreams.serveStandardFleet();
        var config = new HashMap<>(TestTokens.config());
        config.put("sh.booking.url", upstreams.booking().url());
        config.put("sh.gateway.url", upstreams.gateway().url());
        config.put("sh.telemetry.url", upstreams.telemetry().url());
        config.put("sh.dashboard.sign-in.users-file", TestUsers.file().toString());
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(upstreams, new TestInjector.AnnotatedAndMatchesType(InjectUpstreams.class, Upstreams.class));
    }

    @Override
    public void stop() {
        if (upstreams != null) {
            upstreams.booking().stop();
            upstreams.gateway().stop();
            upstreams.telemetry().stop();
        }
    }
}
