package org.rts.hub;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hub forward-requeue}: a tally centre's refused messages queued again, all or a range. */
@Command(name = "forward-requeue", mixinStandardHelpOptions = true,
        description = "Queue again the messages a tally centre refused (all of them, or those in a range), so"
                + " the hub sends them again; a running hub picks them up within a second.")
final class ForwardRequeueCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HubMain.StoreOptions stored;

    @Option(names = "--upstream", required = true, paramLabel = "NAME",
            description = "The tally centre as given to --forward, e.g. https://tally.example/in.")
    String upstream;

    @Option(names = "--from", paramLabel = "NUMBER|TIME", description = "From this queue number, or from"
            + " messages refused at or after this time (ISO-8601, e.g. 2026-11-26T20:00:00Z).")
    String from;

    @Option(names = "--to", paramLabel = "NUMBER|TIME", description = "Up to this queue number, or up to"
            + " messages refused at or before this time.")
    String to;

    @Override
    public Integer call() {
        try (org.rts.hub.store.ForwardQueue queue = org.rts.hub.store.ForwardQueue.open(stored.location())) {
            java.util.List<String> known = queue.upstreams();
            if (!known.contains(upstream)) {
                throw new HubException("no forwarding queue for upstream '" + upstream + "' in this store; its"
                        + " upstreams are " + known);
            }
            Long fromId = number(from);
            Long toId = number(to);
            var range = new org.rts.hub.store.ForwardQueue.Range(fromId, toId,
                    fromId == null ? millis("--from", from) : null, toId == null ? millis("--to", to) : null);
            var r = queue.requeue(upstream, range, System.currentTimeMillis());
            if (r.count() == 0) {
                System.out.printf("no refused message of %s in that range%n", upstream);
            } else {
                System.out.printf("queued again %d refused messages of %s (queue numbers %d to %d)%n", r.count(),
                        upstream, r.firstId(), r.lastId());
            }
        }
        return 0;
    }

    private static Long number(String value) {
        return value != null && !value.isEmpty() && value.chars().allMatch(Character::isDigit)
                ? Long.valueOf(value) : null;
    }

    private static Long millis(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(value).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be a queue number or a time such as"
                    + " 2026-11-26T20:00:00Z, found: " + value);
        }
    }
}
