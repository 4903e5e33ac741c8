package org.rts.hub.web;

import static org.rts.hub.web.Requests.json;
import static org.rts.hub.web.Requests.send;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rts.hub.HubException;
import org.rts.hub.audit.HandAudit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/audit/select} (an administrator enters the seed announced in public, the count per election or
 * constituency, the threshold) and {@code POST /api/audit/count} (an operator or administrator enters a selected
 * station's hand count), from the page with its token.
 */
final class AuditActions {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    private AuditActions() {
    }

    static void act(HttpExchange x, String path, String csrf, String user, Users.Role role, HandAudit audit)
            throws IOException {
        Map<String, String> form = Requests.form(x.getRequestBody());
        if (!Requests.same(csrf, form.get("csrf"))) {
            send(x, 403, "text/plain", "enter the audit from the page");
            return;
        }
        boolean select = path.endsWith("/select");
        if (role == null || role == Users.Role.VIEWER || (select && role != Users.Role.ADMINISTRATOR)) {
            send(x, 403, "text/plain; charset=utf-8", "'" + Requests.printable(user) + "' (role " + role + ") may not "
                    + (select ? "select the stations: an administrator does" : "enter a hand count"));
            return;
        }
        if (audit == null) {
            send(x, 404, "text/plain", "no audit on this hub");
            return;
        }
        try {
            HandAudit.Picture picture;
            if (select) {
                picture = audit.select(form.getOrDefault("seed", ""), number(form, "count"),
                        "on".equals(form.get("perConstituency")), Double.parseDouble(form.getOrDefault("threshold",
                                String.valueOf(HandAudit.DEFAULT_THRESHOLD))), user);
                LOG.info("operations room: {} selected the audit's stations from seed '{}'", Requests.printable(user),
                        Requests.printable(form.get("seed")));
            } else {
                List<Integer> votes = Arrays.stream(form.getOrDefault("votes", "").split(",")).map(String::strip)
                        .filter(v -> !v.isEmpty()).map(Integer::valueOf).toList();
                picture = audit.enter(form.getOrDefault("station", ""), form.getOrDefault("race", ""),
                        number(form, "inBox"), number(form, "invalid"), votes, user);
                LOG.info("operations room: {} entered the hand count of {} {}", Requests.printable(user),
                        Requests.printable(form.get("station")), Requests.printable(form.get("race")));
            }
            json(x, picture);
        } catch (HubException | NumberFormatException e) {
            send(x, 400, "text/plain; charset=utf-8", e instanceof NumberFormatException
                    ? "the figures are whole numbers (the threshold a percentage): " + e.getMessage() : e.getMessage());
        }
    }

    private static int number(Map<String, String> form, String name) {
        return Integer.parseInt(form.getOrDefault(name, "").strip());
    }
}
