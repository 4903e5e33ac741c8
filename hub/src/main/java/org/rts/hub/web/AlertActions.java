package org.rts.hub.web;

import static org.rts.hub.web.Requests.json;
import static org.rts.hub.web.Requests.send;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import org.rts.hub.HubException;
import org.rts.hub.units.AlertDesk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /api/alerts/act}: an action on an alert, from the page of an operator or an administrator. */
final class AlertActions {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    private AlertActions() {
    }

    /**
     * Records the action the form names, when it carries the page's token {@code csrf} and {@code user}'s
     * {@code role} may act: a viewer changes nothing.
     */
    static void act(HttpExchange x, String csrf, String user, Users.Role role, Views views)
            throws IOException {
        Map<String, String> form = Requests.form(x.getRequestBody());
        if (!Requests.same(csrf, form.get("csrf"))) {
            send(x, 403, "text/plain", "act on an alert from the page");
            return;
        }
        if (role == null || role == Users.Role.VIEWER) {
            send(x, 403, "text/plain; charset=utf-8", "'" + Requests.printable(user) + "' may only look (role "
                    + role + "): an operator or an administrator acts on alerts");
            return;
        }
        AlertDesk.Handled done;
        try {
            done = views.act(form.get("rule"), form.get("subject"), form.get("opened"), user, form.get("action"),
                    form.get("detail"));
        } catch (HubException e) {
            send(x, 400, "text/plain; charset=utf-8", e.getMessage());
            return;
        }
        if (done == null) {
            send(x, 404, "text/plain", "no such alert");
            return;
        }
        LOG.info("operations room: {} {} alert {} {}", Requests.printable(user), form.get("action"), form.get("rule"),
                Requests.printable(form.get("subject")));
        json(x, done);
    }
}
