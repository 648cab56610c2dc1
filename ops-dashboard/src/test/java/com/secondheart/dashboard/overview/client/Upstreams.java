package com.secondheart.dashboard.overview.client;

/** The three stand-in services a test talks to; see {@link UpstreamStubs}. */
public record Upstreams(StubServer booking, StubServer gateway, StubServer telemetry) {

    /** Every stub listening again and answering the standard fleet of {@link FleetFixture}. */
    public void serveStandardFleet() {
        for (var stub : new StubServer[] {booking, gateway, telemetry}) {
            stub.reset();
            stub.start();
        }
        FleetFixture.serve(this);
    }
}
