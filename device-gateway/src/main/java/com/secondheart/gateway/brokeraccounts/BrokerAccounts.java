package com.secondheart.gateway.brokeraccounts;

import io.smallrye.mutiny.Uni;

/**
 * The broker's side of the unit registry: the registry is the source of truth for which units exist and what their
 * MQTT passwords are, and this port keeps a broker that does not read the registry itself in step with it
 * (docs/security.md, "Broker access"). Which implementation runs is {@code sh.gateway.broker-accounts.kind}.
 */
public interface BrokerAccounts {

    /** A unit was registered (or its password replaced): it may connect as {@code unitId} with {@code password}. */
    Uni<Void> unitRegistered(String unitId, String password);

    /** A unit was decommissioned: it may not connect any more, and a connection it still has is closed. */
    Uni<Void> unitDecommissioned(String unitId);

    /** For the start log. */
    String describe();
}
