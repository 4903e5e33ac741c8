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

/**
 * What the room's page asks the hub to do: {@code POST /api/alerts/act}, an action on an alert (an operator or an
 * administrator), and {@code POST /api/stick}, a stick's messages to decide (an administrator).
 */
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

    /** The upload's body: the page's token and the stick's files. */
    record Upload(String csrf, java.util.List<org.rts.hub.stick.StickUpload.File> files) {
    }

    /** A stick's files from an administrator's page: answered with the zip of their receipts. */
    static void stick(HttpExchange x, String csrf, String user, Users.Role role, Views views) throws IOException {
        byte[] body = x.getRequestBody().readNBytes(MAX_UPLOAD + 1);
        if (body.length > MAX_UPLOAD) {
            send(x, 413, "text/plain", "upload at most 16 MiB of a stick at once");
            return;
        }
        Upload upload;
        try {
            upload = org.rts.protocol.codec.Json.mapper().readValue(body, Upload.class);
        } catch (IOException e) {
            send(x, 400, "text/plain", "not an upload of a stick's files");
            return;
        }
        if (!Requests.same(csrf, upload.csrf())) {
            send(x, 403, "text/plain", "upload from the page");
            return;
        }
        if (role != Users.Role.ADMINISTRATOR) {
            send(x, 403, "text/plain; charset=utf-8", "'" + Requests.printable(user) + "' may not import a stick (role "
                    + role + "): an administrator does");
            return;
        }
        byte[] zip = views.stick(upload.files() == null ? java.util.List.of() : upload.files());
        if (zip == null) {
            send(x, 404, "text/plain", "no intake here");
            return;
        }
        LOG.info("operations room: {} imported a stick of {} files", Requests.printable(user), upload.files() == null
                ? 0 : upload.files().size());
        x.getResponseHeaders().set("Content-Disposition", "attachment; filename=receipts.zip");
        send(x, 200, "application/zip", zip);
    }

    private static final int MAX_UPLOAD = 16 << 20;
}
