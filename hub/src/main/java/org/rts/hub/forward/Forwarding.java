package org.rts.hub.forward;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.rts.protocol.Topics;

/**
 * Where the hub forwards accepted messages: tally-centre MQTT brokers ({@code ssl://} or {@code tcp://}) and HTTPS
 * endpoints ({@code https://}, or {@code http://} on a trusted network), each of the given report kinds.
 *
 * @param upstreams the destinations; each gets its own durable queue in the hub's store
 * @param kinds     {@code result}, and {@code turnout} if the tally centre wants it
 * @param trust     PEM file of the authorities the upstream servers' certificates chain to (null: the JDK's)
 * @param refusedFor how long an upstream that refuses messages (HTTP 4xx but 408 and 429, an MQTT broker's "not
 *                   authorised") is still tried, with an alert open, before a message it refuses is marked
 *                   refused (default 2 h: a tally centre's proxy answering 403 or 404 through a redeploy loses
 *                   nothing); at least 1 minute
 */
public record Forwarding(List<URI> upstreams, Set<String> kinds, Path trust, Duration refusedFor) {
    public static final Duration DEFAULT_REFUSED_FOR = Duration.ofHours(2);
    public static final Forwarding NONE = new Forwarding(List.of(), Set.of(Topics.RESULT), null);
    private static final Set<String> SCHEMES = Set.of("ssl", "tcp", "https", "http");

    public Forwarding(List<URI> upstreams, Set<String> kinds, Path trust) {
        this(upstreams, kinds, trust, DEFAULT_REFUSED_FOR);
    }

    public Forwarding {
        if (refusedFor == null || refusedFor.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("forwarding's refusedFor must be at least 1 minute, found: "
                    + (refusedFor == null ? null : refusedFor.toMinutes() + " min"));
        }
        upstreams = List.copyOf(upstreams);
        kinds = Set.copyOf(kinds);
        for (URI u : upstreams) {
            if (u.getScheme() == null || !SCHEMES.contains(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("forward destination must be ssl://host:port or tcp://host:port"
                        + " (a tally-centre broker) or https://host/path (an endpoint), found: " + u);
            }
            if (u.getUserInfo() != null) {
                throw new IllegalArgumentException("forward destination " + name(u) + " must not carry a user or"
                        + " password: the hub authenticates with its certificate");
            }
        }
        if (upstreams.stream().map(Forwarding::name).distinct().count() != upstreams.size()) {
            throw new IllegalArgumentException("a forward destination is listed twice: " + upstreams);
        }
        for (String k : kinds) {
            if (!k.equals(Topics.RESULT) && !k.equals(Topics.TURNOUT)) {
                throw new IllegalArgumentException("only result and turnout reports are forwarded, found: " + k);
            }
        }
    }

    /** The name a destination's queue and log lines go by. */
    public static String name(URI upstream) {
        return upstream.toString();
    }

    public List<String> names() {
        return upstreams.stream().map(Forwarding::name).toList();
    }

    public boolean isMqtt(URI upstream) {
        return upstream.getScheme().equals("ssl") || upstream.getScheme().equals("tcp");
    }
}
