package com.secondheart.booking.messaging.channel;

import com.secondheart.booking.messaging.config.MessagingConfig;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The channel adapters by name, and the order the planner tries them in (sh.messaging.channel-order). */
@ApplicationScoped
public class Channels {

    private final Map<String, MessageChannel> byName;
    private final List<String> order;

    public Channels(@All List<MessageChannel> channels, MessagingConfig config) {
        this.byName = channels.stream().collect(Collectors.toMap(MessageChannel::name, Function.identity()));
        this.order = config.channelOrder().stream().map(String::strip).map(String::toUpperCase).toList();
    }

    public Optional<MessageChannel> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public boolean enabled(String name) {
        var channel = byName.get(name);
        return channel != null && channel.enabled();
    }

    /** Channel names in preference order. */
    public List<String> order() {
        return order;
    }
}
