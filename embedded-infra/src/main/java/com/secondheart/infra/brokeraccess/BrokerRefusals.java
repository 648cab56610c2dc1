package com.secondheart.infra.brokeraccess;

import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ServerInitiatedDisconnectInput;
import com.hivemq.extension.sdk.api.interceptor.suback.SubackOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundOutput;
import com.hivemq.extension.sdk.api.interceptor.subscribe.SubscribeInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.subscribe.parameter.SubscribeInboundInput;
import com.hivemq.extension.sdk.api.interceptor.subscribe.parameter.SubscribeInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.DisconnectedReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.Subscription;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Counts what the broker itself refuses after a client got in, which HiveMQ decides on its own (the default
 * permissions the authenticator set, its maximum packet size): subscriptions answered "not authorized", and
 * connections the broker ends, by reason code ({@link BrokerAccessExtension} names the counters), among them every
 * denied publish (HiveMQ ends the connection with "not authorized" after it). It changes nothing it sees: it reads the
 * SUBACKs and server-side disconnects HiveMQ produces, so what is counted is what HiveMQ did, not a second opinion of
 * ours. No interceptor on PUBLISH or PUBACK: those are the hot path, and each interceptor costs a hop through the
 * extension executor per packet.
 *
 * <p>Logs one WARN per attacker episode (what, from which address; {@link Episodes}), never one per packet.
 */
final class BrokerRefusals implements ClientLifecycleEventListener {

    private static final Logger LOG = Logger.getLogger(BrokerRefusals.class.getName());

    /** Disconnects that are no attack (and happen in a healthy fleet): counted, never logged here. */
    private static final Set<DisconnectedReasonCode> ORDINARY = EnumSet.of(DisconnectedReasonCode.SUCCESS,
            DisconnectedReasonCode.NORMAL_DISCONNECTION, DisconnectedReasonCode.DISCONNECT_WITH_WILL_MESSAGE,
            DisconnectedReasonCode.SESSION_TAKEN_OVER, DisconnectedReasonCode.SERVER_SHUTTING_DOWN,
            DisconnectedReasonCode.KEEP_ALIVE_TIMEOUT, DisconnectedReasonCode.ADMINISTRATIVE_ACTION);

    private final Consumer<String> count;
    private final Function<String, Set<String>> shareGroupsOf;
    private final Episodes episodes;

    /**
     * @param count         adds one to the counter of that name
     * @param shareGroupsOf the share groups the account of a (connected, so authenticated) client id owns
     */
    BrokerRefusals(Consumer<String> count, Function<String, Set<String>> shareGroupsOf, Episodes episodes) {
        this.count = count;
        this.shareGroupsOf = shareGroupsOf;
        this.episodes = episodes;
    }

    /** Why HiveMQ denied a subscription, from the filter and the account: what {@link BrokerRole} allows. */
    static BrokerAccessExtension.SubscriptionDenial denial(String topicFilter, Set<String> ownShareGroups) {
        if (topicFilter.startsWith("$share/")) {
            var end = topicFilter.indexOf('/', "$share/".length());
            var group = end < 0 ? topicFilter.substring("$share/".length()) : topicFilter.substring("$share/".length(), end);
            if (!ownShareGroups.contains(group)) {
                return BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED;
            }
        }
        return BrokerAccessExtension.SubscriptionDenial.TOPIC_NOT_ALLOWED;
    }

    /** The interceptors of one connection (HiveMQ's client initializer makes them per connection). */
    ClientWatch watch(String clientId, String address) {
        return new ClientWatch(clientId, address);
    }

    @Override
    public void onServerInitiatedDisconnect(ServerInitiatedDisconnectInput input) {
        var code = input.getReasonCode().orElse(DisconnectedReasonCode.UNSPECIFIED_ERROR);
        count.accept(BrokerAccessExtension.disconnectMetricName(code));
        if (!ORDINARY.contains(code) && episodes.starts("disconnect " + code + " " + address(input))) {
            // a denied publish is this with NOT_AUTHORIZED; HiveMQ's reason string names the topic
            LOG.warning("Broker access: the broker disconnected " + input.getClientInformation().getClientId()
                    + " from " + address(input) + " with " + code + input.getReasonString().map(r -> " (" + r + ")").orElse("")
                    + "; further ones from this address are only counted (" + BrokerAccessExtension.disconnectMetricName(code)
                    + ") until it stops for " + Episodes.DEFAULT_QUIET.toMinutes() + " min");
        }
    }

    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {
        // counted elsewhere: connects are the authenticator's
    }

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
        // nothing refused
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
        // the server-initiated ones have their own callback; the others are the client's doing
    }

    private static String address(ClientBasedInput input) {
        return input.getConnectionInformation().getInetAddress().map(java.net.InetAddress::getHostAddress).orElse("unknown");
    }

    /** One connection's SUBSCRIBEs (by packet id, until their SUBACK) and the filters its SUBACKs refuse. */
    final class ClientWatch implements SubscribeInboundInterceptor, SubackOutboundInterceptor {

        private final String clientId;
        private final String address;
        private final Map<Integer, List<String>> pending = new ConcurrentHashMap<>();

        private ClientWatch(String clientId, String address) {
            this.clientId = clientId;
            this.address = address;
        }

        @Override
        public void onInboundSubscribe(SubscribeInboundInput input, SubscribeInboundOutput output) {
            var packet = input.getSubscribePacket();
            pending.put(packet.getPacketId(), packet.getSubscriptions().stream().map(Subscription::getTopicFilter).toList());
        }

        @Override
        public void onOutboundSuback(SubackOutboundInput input, SubackOutboundOutput output) {
            var suback = input.getSubackPacket();
            var filters = pending.remove(suback.getPacketIdentifier());
            var codes = suback.getReasonCodes();
            for (int i = 0; i < codes.size(); i++) {
                if (codes.get(i) != SubackReasonCode.NOT_AUTHORIZED) {
                    continue;
                }
                var filter = filters != null && i < filters.size() ? filters.get(i) : "?";
                var denial = denial(filter, shareGroupsOf.apply(clientId));
                count.accept(denial.metricName());
                if (episodes.starts("subscription " + denial + " " + address)) {
                    LOG.warning("Broker access: " + clientId + " from " + address + " may not subscribe to " + filter
                            + " (" + denial.reason() + "); further ones from this address are only counted ("
                            + denial.metricName() + ") until it stops for " + Episodes.DEFAULT_QUIET.toMinutes() + " min");
                }
            }
        }
    }
}
