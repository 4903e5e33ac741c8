package org.rts.hub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.AlertDesk;
import org.rts.hub.units.Alerts;
import org.rts.hub.units.UnitRegistry;

/** The operations room's server: nothing but the login without a session, then the API, live events, metrics. */
class OpsServerTest {
    @TempDir
    Path dir;

    private OpsServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Instant at = Instant.parse("2026-11-26T10:00:00Z");
    private volatile List<UnitRegistry.UnitStatus> units = List.of();
    private final Sessions sessions = Sessions.inMemory();
    private Views views;
    private Path usersFile;

    @BeforeEach
    void setUp() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "# operations room\n" + Users.line("amal", "correct horse".toCharArray()) + "\n"
                + Users.line("vera", Users.Role.VIEWER, "look but no touch".toCharArray()) + "\n");
        units = List.of(new UnitRegistry.UnitStatus("dev-1", "S-1", UnitRegistry.State.ONLINE, at, 1, null, null,
                List.of()));
        Views views = new Views() {
            @Override
            public List<UnitRegistry.UnitStatus> units() {
                return units;
            }

            @Override
            public List<AlertDesk.Handled> openAlerts() {
                return List.of(handled(List.of()));
            }

            @Override
            public List<AlertDesk.Handled> alertHistory() {
                return List.of();
            }

            @Override
            public AlertDesk.Handled act(String rule, String subject, String opened, String user, String action,
                                         String detail) {
                if (!rule.equals("TAMPER") || !subject.equals("dev-1") || !opened.equals(at.toString())) {
                    return null;
                }
                if (!action.equals("ack")) {
                    throw new org.rts.hub.HubException("unknown action '" + action + "': ack, assign or note");
                }
                return handled(List.of(new AlertDesk.Entry(at, user, AlertDesk.Action.ACK, "")));
            }

            @Override
            public LiveTally.Picture tally() {
                return new LiveTally.Picture("el", new LiveTally.Area("", 1, 500, 120, 1, List.of()), List.of(),
                        List.of(),
                        List.of(new LiveTally.StationFigures("S-1", "Baghdad", 500, 120)));
            }

            @Override
            public String readinessCsv() {
                return "device,ready\r\ndev-1,yes\r\n";
            }

            @Override
            public String checkPage(String constituency) {
                return constituency == null || constituency.equals("karkh")
                        ? "<!DOCTYPE html><title>Check a result slip " + constituency + "</title>" : null;
            }

            @Override
            public Object station(String station) {
                return station.equals("S-1") ? List.of(Map.of("race", "parliament", "photo", PHOTO_SHA,
                        "photoState", "arrived")) : List.of();
            }

            @Override
            public byte[] photo(String sha256) {
                return sha256.equals(PHOTO_SHA) ? new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2} : null;
            }

            @Override
            public Object hub() {
                return new org.rts.hub.health.HealthReport(at, true, List.of(), true, at, 0, 0, "", at, 3, 0, 0, 0, 0,
                        null, null, -1, 1, 1, List.of(), new org.rts.hub.health.HealthReport.Kafka(List.of(0, 5), 42,
                        1, ""), "10.0.0.5:5432 (primary, synchronous standby pg1)");
            }
        };
        this.views = views;
        this.usersFile = users;
        server = OpsServer.start(new OpsRoom("127.0.0.1", 0, users), views,
                () -> "rts_hub_units{state=\"ONLINE\"} 1.0\n".getBytes(StandardCharsets.UTF_8), sessions,
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in as a browser does: the form first, with its token and the cookie beside it, then the POST. */
    private HttpResponse<String> login(String user, String password) throws Exception {
        HttpResponse<String> form = get("/login", null);
        String cookie = cookie(form, OpsServer.LOGIN_COOKIE);
        return post("/login", cookie, "csrf=" + hidden(form.body(), "csrf") + "&user=" + user + "&password="
                + password.replace(" ", "+"));
    }

    private HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(HttpResponse<?> r, String name) {
        String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + ": " + r.headers()));
        return set.substring(0, set.indexOf(';'));
    }

    private static String hidden(String html, String name) {
        String marker = "name=\"" + name + "\" value=\"";
        int at = html.indexOf(marker);
        assertTrue(at >= 0, html);
        return html.substring(at + marker.length(), html.indexOf('"', at + marker.length()));
    }

    private String session() throws Exception {
        HttpResponse<String> r = login("amal", "correct horse");
        assertEquals(303, r.statusCode(), r.body());
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(OpsServer.COOKIE))
                .findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void without_a_session_there_is_nothing_but_the_login() throws Exception {
        assertEquals(401, get("/api/units", null).statusCode());
        assertEquals(401, get("/api/events", null).statusCode());
        HttpResponse<String> page = get("/", null);
        assertEquals(303, page.statusCode());
        assertEquals("/login", page.headers().firstValue("Location").orElseThrow());
        assertEquals(401, get("/api/units", "rts_session=forged").statusCode());
        assertEquals(401, login("amal", "wrong password").statusCode());
        assertEquals(401, login("nobody", "correct horse").statusCode());
        assertTrue(get("/login", null).body().contains("<form method=\"post\" action=\"/login\">"));
    }

    @Test
    void the_observers_check_page_needs_no_sign_in_and_runs_only_its_own_inline_scripts() throws Exception {
        HttpResponse<String> page = get("/check", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Check a result slip"), page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.startsWith("default-src 'none'; script-src 'unsafe-inline';") && csp.contains(
                "connect-src 'self';") && !csp.contains("connect-src *"),
                "it loads nothing and sends only to this hub's relay: " + csp);
        HttpResponse<String> relay = http.send(HttpRequest.newBuilder(uri("/relay")).POST(
                HttpRequest.BodyPublishers.ofString("RTSP1/1/2/short/x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, relay.statusCode(), "no relay without an intake behind it, and no sign-in asked");
        assertEquals(401, get("/api/units", null).statusCode(), "and opens nothing else of the room");
        assertTrue(get("/check/karkh.html", null).body().contains("Check a result slip karkh"));
        assertEquals(404, get("/check/nowhere.html", null).statusCode());
        assertEquals(303, get("/check/../units", null).statusCode(), "nothing but the pages: sign in for the rest");
    }

    @Test
    void signed_in_the_api_answers_and_sign_out_ends_it() throws Exception {
        String cookie = session();
        HttpResponse<String> units = get("/api/units", cookie);
        assertEquals(200, units.statusCode());
        assertTrue(units.body().contains("\"device\":\"dev-1\"") && units.body().contains("\"state\":\"ONLINE\""),
                units.body());
        assertTrue(get("/api/alerts", cookie).body().contains("\"rule\":\"TAMPER\""));
        assertTrue(get("/api/tally", cookie).body().contains("\"region\":\"Baghdad\""));
        HttpResponse<String> csv = get("/api/readiness.csv", cookie);
        assertEquals("text/csv; charset=utf-8", csv.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(csv.body().contains("dev-1,yes"));
        assertEquals(303, post("/logout", cookie, "csrf=" + hidden(get("/", cookie).body(), "csrf")).statusCode());
        assertEquals(401, get("/api/units", cookie).statusCode());
    }

    private static final String PHOTO_SHA = "A".repeat(43);

    private AlertDesk.Handled handled(List<AlertDesk.Entry> actions) {
        Alerts.Alert tamper = new Alerts.Alert(Alerts.Rule.TAMPER, "dev-1", "S-1", "case open", at, at, null);
        return new AlertDesk.Handled(tamper, actions.isEmpty() ? null : actions.get(0).user(),
                actions.isEmpty() ? null : at, null, null, actions);
    }

    private HttpResponse<String> act(String cookie, String form) throws Exception {
        return post("/api/alerts/act", cookie, "csrf=" + hidden(get("/", cookie).body(), "csrf") + "&" + form);
    }

    @Test
    void an_operator_acts_on_an_alert_from_the_page_and_a_viewer_changes_nothing() throws Exception {
        String alert = "rule=TAMPER&subject=dev-1&opened=" + at + "&action=";
        String operator = session();
        HttpResponse<String> me = get("/api/me", operator);
        assertTrue(me.body().contains("\"role\":\"OPERATOR\""), me.body());
        HttpResponse<String> acked = act(operator, alert + "ack");
        assertEquals(200, acked.statusCode(), acked.body());
        assertTrue(acked.body().contains("\"acknowledgedBy\":\"amal\""), acked.body());
        assertEquals(400, act(operator, alert + "delete").statusCode(), "an action the room does not know");
        assertEquals(404, act(operator, "rule=TAMPER&subject=dev-9&opened=" + at + "&action=ack").statusCode());
        assertEquals(403, post("/api/alerts/act", operator, alert + "ack").statusCode(), "not from the page");
        assertEquals(405, get("/api/alerts/act", operator).statusCode());
        HttpResponse<String> form = get("/login", null);
        String viewer = cookie(post("/login", cookie(form, OpsServer.LOGIN_COOKIE), "csrf=" + hidden(form.body(),
                "csrf") + "&user=vera&password=look+but+no+touch"), OpsServer.COOKIE);
        assertTrue(get("/api/me", viewer).body().contains("\"role\":\"VIEWER\""));
        HttpResponse<String> refused = act(viewer, alert + "ack");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("may only look"), refused.body());
    }

    @Test
    void a_stations_results_and_the_photos_of_its_forms_are_served_to_a_session_only() throws Exception {
        assertEquals(401, get("/api/station?id=S-1", null).statusCode());
        assertEquals(303, get("/photo/" + PHOTO_SHA + ".jpg", null).statusCode(), "sign in first");
        String cookie = session();
        HttpResponse<String> station = get("/api/station?id=S-1", cookie);
        assertTrue(station.body().contains("\"photo\":\"" + PHOTO_SHA + "\""), station.body());
        assertEquals("[]", get("/api/station?id=S-9", cookie).body());
        HttpResponse<byte[]> photo = http.send(HttpRequest.newBuilder(uri("/photo/" + PHOTO_SHA + ".jpg"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, photo.statusCode());
        assertEquals("image/jpeg", photo.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(4, photo.body().length);
        assertEquals(404, get("/photo/" + "B".repeat(43) + ".jpg", cookie).statusCode(), "no such photo");
        assertEquals(404, get("/photo/..%2Fhub.db.jpg", cookie).statusCode(), "nothing but a hash");
    }

    @Test
    void a_user_added_while_the_room_runs_signs_in_at_once_and_one_removed_no_longer_acts() throws Exception {
        String alert = "rule=TAMPER&subject=dev-1&opened=" + at + "&action=ack";
        assertEquals(401, login("karim", "another good one").statusCode());
        Users.add(usersFile, "karim", Users.Role.OPERATOR, "another good one".toCharArray());
        Files.setLastModifiedTime(usersFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                + 5_000)); // a change the hub sees, however coarse the file system's clock
        HttpResponse<String> signedIn = login("karim", "another good one");
        assertEquals(303, signedIn.statusCode(), "no restart needed");
        String karim = cookie(signedIn, OpsServer.COOKIE);
        assertEquals(200, act(karim, alert).statusCode());
        Users.remove(usersFile, "karim");
        Files.setLastModifiedTime(usersFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                + 10_000));
        assertEquals(403, act(karim, alert).statusCode(), "removed from the file: acts no more");
        Files.writeString(usersFile, "amal:not a line");
        Files.setLastModifiedTime(usersFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                + 15_000));
        assertEquals(303, login("amal", "correct horse").statusCode(), "a broken file keeps the users read before");
    }

    @Test
    void an_account_tried_too_often_is_answered_429_saying_when_to_try_again() throws Exception {
        for (int i = 0; i < SignIn.PER_USER; i++) {
            assertEquals(401, login("amal", "wrong password").statusCode());
        }
        HttpResponse<String> r = login("amal", "correct horse");
        assertEquals(429, r.statusCode());
        assertTrue(r.body().matches("(?s).*Too many sign-in attempts for this account, try again in \\d+ minutes.*"),
                r.body());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void sign_out_is_a_post_carrying_the_page_token() throws Exception {
        String cookie = session();
        assertEquals(405, get("/logout", cookie).statusCode());
        assertEquals(403, post("/logout", cookie, "").statusCode());
        assertEquals(403, post("/logout", cookie, "csrf=" + hidden(get("/", session()).body(), "csrf"))
                .statusCode(), "another session's token");
        assertEquals(405, post("/api/units", cookie, "").statusCode());
        assertEquals(200, get("/api/units", cookie).statusCode());
    }

    @Test
    void the_sign_in_form_is_refused_without_its_token_and_cookie() throws Exception {
        HttpResponse<String> form = get("/login", null);
        String token = hidden(form.body(), "csrf");
        String cookie = cookie(form, OpsServer.LOGIN_COOKIE);
        String other = cookie(get("/login", null), OpsServer.LOGIN_COOKIE);
        String credentials = "&user=amal&password=correct+horse";
        assertEquals(403, post("/login", null, "csrf=" + token + credentials).statusCode());
        assertEquals(403, post("/login", cookie, credentials).statusCode());
        assertEquals(403, post("/login", other, "csrf=" + token + credentials).statusCode());
        assertEquals(303, post("/login", cookie, "csrf=" + token + credentials).statusCode());
    }

    @Test
    void a_second_look_at_the_sign_in_form_keeps_the_first_form_valid() throws Exception {
        HttpResponse<String> form = get("/login", null);
        String token = hidden(form.body(), "csrf");
        String cookie = cookie(form, OpsServer.LOGIN_COOKIE);
        // the browser asks for its icon (sent to the sign-in page) or opens the form in another tab
        HttpResponse<String> again = get("/login", cookie);
        assertEquals(token, hidden(again.body(), "csrf"));
        assertEquals(cookie, cookie(again, OpsServer.LOGIN_COOKIE));
        assertEquals(303, post("/login", cookie, "csrf=" + token + "&user=amal&password=correct+horse")
                .statusCode());
    }

    @Test
    void a_malformed_escape_is_answered_400_in_a_line() throws Exception {
        HttpResponse<String> form = get("/login", null);
        HttpResponse<String> r = post("/login", cookie(form, OpsServer.LOGIN_COOKIE), "csrf="
                + hidden(form.body(), "csrf") + "&user=%zz&password=%");
        assertEquals(400, r.statusCode());
        assertEquals("malformed %-escape in the form", r.body());
        assertTrue(raw("GET /api/units?q=%zz% HTTP/1.1").startsWith("HTTP/1.1 400 "));
        assertTrue(raw("GET /%zz HTTP/1.1").startsWith("HTTP/1.1 400 "));
    }

    /** The status line the server answers {@code requestLine} with, sent as is (no client accepts a bad URI). */
    private String raw(String requestLine) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void the_page_runs_only_scripts_it_serves() throws Exception {
        String cookie = session();
        HttpResponse<String> page = get("/", cookie);
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        String scripts = csp.substring(csp.indexOf("script-src"));
        assertFalse(scripts.substring(0, scripts.indexOf(';')).contains("unsafe-inline"), csp);
        assertTrue(page.body().contains("<script src=\"/ops.js\"></script>"), page.body());
        assertFalse(page.body().contains("<script>"), "an inline script");
        HttpResponse<String> js = get("/ops.js", cookie);
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(js.body().contains("new EventSource(\"/api/events\")"), js.body());
    }

    @Test
    void only_an_administrator_imports_a_stick_and_only_from_the_page() throws Exception {
        String cookie = session();
        String csrf = hidden(get("/", cookie).body(), "csrf");
        String upload = "{\"csrf\":\"" + csrf + "\",\"files\":[]}";
        HttpResponse<String> operator = post("/api/stick", cookie, upload);
        assertEquals(403, operator.statusCode());
        assertTrue(operator.body().contains("an administrator does"), operator.body());
        assertEquals(403, post("/api/stick", cookie, "{\"csrf\":\"forged\",\"files\":[]}").statusCode());
        assertEquals(400, post("/api/stick", cookie, "{not json").statusCode());
        assertEquals(405, get("/api/stick", cookie).statusCode());
    }

    @Test
    void user_names_are_logged_without_line_breaks_or_controls() {
        String logged = Requests.printable("amal\r\n2026-11-26 10:00:00 INFO signed in\u202e\u001b[2J");
        assertFalse(logged.contains("\r") || logged.contains("\n") || logged.contains("\u202e")
                || logged.contains("\u001b"), logged);
        assertEquals("amal\\u000d\\u000a2026", logged.substring(0, 20));
    }

    @Test
    void live_events_carry_a_new_snapshot_when_a_unit_changes() throws Exception {
        String cookie = session();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/events")).header("Cookie",
                cookie).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElseThrow());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String data = next(in);
            assertTrue(data.contains("\"state\":\"ONLINE\""), data);
            assertTrue(data.contains("\"kafka\":{\"partitions\":[0,5],\"lag\":42"), "the hub's own state: " + data);
            units = List.of(new UnitRegistry.UnitStatus("dev-1", "S-1", UnitRegistry.State.LOST, at, 1, null, null,
                    List.of()));
            assertTrue(data.startsWith("data: {\"units\":["), "every unit first: " + data);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!data.contains("\"state\":\"LOST\"") && System.nanoTime() < deadline) {
                data = next(in);
                assertTrue(data.startsWith("data: {\"changed\":["), "then only what changed: " + data);
            }
            assertTrue(data.contains("\"changed\":[{\"device\":\"dev-1\"") && data.contains("\"state\":\"LOST\""),
                    data);
            units = List.of();
            deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!data.contains("\"gone\":[\"dev-1\"]") && System.nanoTime() < deadline) {
                data = next(in);
            }
            assertTrue(data.contains("\"changed\":[],\"gone\":[\"dev-1\"]"), data);
            data = next(in);
            assertTrue(data.contains("\"changed\":[],\"gone\":[]"), "nothing sent again: " + data);
        }
    }

    @Test
    @Timeout(60)
    void live_events_end_when_their_session_is_signed_out() throws Exception {
        String cookie = session();
        try (BufferedReader in = stream(cookie)) {
            next(in);
            assertEquals(303, post("/logout", cookie, "csrf=" + hidden(get("/", cookie).body(), "csrf"))
                    .statusCode());
            while (in.readLine() != null) {
                // snapshots sent before the sign-out was seen
            }
        }
    }

    @Test
    @Timeout(60)
    void live_events_end_when_their_session_expires() throws Exception {
        server.close();
        org.rts.hub.testing.ManualClock clock = new org.rts.hub.testing.ManualClock(at);
        server = OpsServer.start(new OpsRoom("127.0.0.1", 0, usersFile), views,
                () -> new byte[0], sessions, clock);
        String cookie = session();
        try (BufferedReader in = stream(cookie)) {
            next(in);
            clock.set(at.plus(OpsServer.SESSION).plusSeconds(1));
            while (in.readLine() != null) {
                // snapshots sent before the expiry was seen
            }
        }
        assertEquals(401, get("/api/units", cookie).statusCode());
    }

    private BufferedReader stream(String cookie) throws Exception {
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/events")).header("Cookie",
                cookie).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        return new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    }

    private static String next(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        throw new AssertionError("the stream ended");
    }

    @Test
    void a_server_started_again_on_the_same_sessions_keeps_its_operators_signed_in() throws Exception {
        String cookie = session();
        int port = server.port();
        server.close();
        server = OpsServer.start(new OpsRoom("127.0.0.1", port, usersFile), views,
                () -> new byte[0], sessions, Clock.systemUTC());
        assertEquals(200, get("/api/units", cookie).statusCode());
    }

    @Test
    void metrics_are_served_for_prometheus() throws Exception {
        HttpResponse<String> m = get("/metrics", null);
        assertEquals(200, m.statusCode());
        assertTrue(m.body().contains("rts_hub_units{state=\"ONLINE\"} 1.0"), m.body());
    }

    @Test
    void with_a_token_configured_metrics_ask_for_it() throws Exception {
        server.close();
        String token = "s3cret-metrics-token-0123";
        server = OpsServer.start(new OpsRoom("127.0.0.1", 0, usersFile, null, null, token), views,
                () -> "rts_hub_inbox_messages 0.0\n".getBytes(StandardCharsets.UTF_8), sessions, Clock.systemUTC());
        HttpResponse<String> none = get("/metrics", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertFalse(none.body().contains("rts_hub"));
        assertEquals(401, metrics("Bearer not-the-token-at-all-x").statusCode());
        assertEquals(401, metrics(token).statusCode(), "the token without its scheme");
        HttpResponse<String> m = metrics("Bearer " + token);
        assertEquals(200, m.statusCode());
        assertTrue(m.body().contains("rts_hub_inbox_messages"), m.body());
        assertThrows(IllegalArgumentException.class, () -> new OpsRoom("127.0.0.1", 0, usersFile, null, null,
                "short"));
        assertFalse(new OpsRoom("127.0.0.1", 0, usersFile, null, null, token).toString().contains(token));
    }

    private HttpResponse<String> metrics(String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void limits_other_than_those_the_process_already_serves_with_are_refused() {
        OpsRoom.Limits other = new OpsRoom.Limits(8, Duration.ofSeconds(10), Duration.ofSeconds(30));
        HubException e = assertThrows(HubException.class, () -> OpsServer.start(new OpsRoom("127.0.0.1", 0,
                usersFile, null, null, null, other), views, () -> new byte[0], sessions, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("jdk.httpserver.maxConnections=8") && e.getMessage().contains("has 256"),
                e.getMessage());
        assertEquals("256", System.getProperty("jdk.httpserver.maxConnections"));
        assertThrows(IllegalArgumentException.class, () -> new OpsRoom.Limits(0, Duration.ofSeconds(10),
                Duration.ofSeconds(30)));
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class, () -> new OpsRoom.Limits(8,
                Duration.ofMillis(1500), Duration.ofSeconds(30)));
        assertTrue(half.getMessage().contains("requestTime must be whole seconds"), half.getMessage());
    }

    @Test
    void a_broken_users_file_is_refused_naming_its_line_and_short_passwords_are_too() throws Exception {
        Path bad = dir.resolve("bad");
        Files.writeString(bad, "amal:plaintext\n");
        HubException e = assertThrows(HubException.class, () -> Users.read(bad));
        assertTrue(e.getMessage().contains("bad:1:"), e.getMessage());
        assertThrows(HubException.class, () -> Users.line("amal", "short".toCharArray()));
        assertFalse(Users.line("amal", "long enough pass".toCharArray()).contains("long enough pass"));
    }
}
