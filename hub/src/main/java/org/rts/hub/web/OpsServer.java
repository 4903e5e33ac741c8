package org.rts.hub.web;

import static org.rts.hub.web.Requests.json;
import static org.rts.hub.web.Requests.send;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.rts.hub.HubException;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.AlertDesk;
import org.rts.hub.units.UnitRegistry;
import org.rts.protocol.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations room's server (the JDK's HTTP server, a virtual thread per request so live streams cost little,
 * its connections bounded by {@link OpsRoom.Limits}):
 * a login, then the JSON API ({@code /api/units}, {@code /api/alerts}, {@code /api/tally},
 * {@code /api/readiness.csv}) and a live stream of the same ({@code /api/events}, server-sent events, a snapshot
 * every {@link #EVENT_EVERY}). {@code /metrics} is Prometheus's, figures held in memory, behind a bearer token when
 * the room has one. It reads what the hub keeps; nothing here is on the hub's message path.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    static final Duration SESSION = Duration.ofHours(12);
    static final Duration EVENT_EVERY = Duration.ofSeconds(2);
    static final String COOKIE = "rts_session";
    static final String LOGIN_COOKIE = "rts_login";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final SignIn signIn;
    private final Views views;
    private final Supplier<byte[]> metrics;
    private final String metricsToken;
    private final Clock clock;
    private final Sessions sessions;
    /** The cookies' attribute when served over HTTPS, so that a browser never sends them in clear. */
    private final String secure;
    private final SecureRandom random = new SecureRandom();
    private volatile boolean running = true;
    private final LiveEvents live;
    private final UsersFile users;

    private OpsServer(HttpServer server, UsersFile users, String metricsToken, Views views, Supplier<byte[]> metrics,
                      Sessions sessions, Clock clock) {
        this.server = server;
        this.metricsToken = metricsToken;
        this.secure = server instanceof HttpsServer ? " Secure;" : "";
        this.sessions = sessions;
        this.signIn = new SignIn(users, clock, SignIn.THREADS, SignIn.QUEUE);
        this.users = users;
        this.live = new LiveEvents(views, EVENT_EVERY);
        this.views = views;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Serves the room as {@code room} says: on its address and port (0: any free one), over HTTPS with its
     * certificate; plain HTTP is refused on any but a loopback address.
     */
    public static OpsServer start(OpsRoom room, Views views, Supplier<byte[]> metrics, Sessions sessions,
                                  Clock clock) {
        InetSocketAddress bind = new InetSocketAddress(room.bind(), room.port());
        SSLContext tls = room.tls();
        if (tls == null && (bind.getAddress() == null || !bind.getAddress().isLoopbackAddress())) {
            throw new HubException("the operations room on " + bind.getHostString() + " would be reachable beyond"
                    + " this host over plain HTTP: give it a certificate and key (--ops-cert, --ops-key) to serve"
                    + " HTTPS, or bind it to 127.0.0.1");
        }
        UsersFile users = new UsersFile(room.users());
        ServerLimits.apply(room.limits());
        HttpServer http;
        try {
            if (tls == null) {
                http = HttpServer.create(bind, 64);
            } else {
                HttpsServer https = HttpsServer.create(bind, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                http = https;
            }
        } catch (IOException e) {
            throw new HubException("cannot serve the operations room on " + bind + ": " + e.getMessage(), e);
        }
        OpsServer s = new OpsServer(http, users, room.metricsToken(), views, metrics, sessions, clock);
        http.setExecutor(s.threads);
        http.createContext("/", s::handle);
        http.start();
        LOG.info("operations room on {}://{}:{}/ (metrics on /metrics; at most {} connections, {} s to send a"
                + " request)", tls == null ? "http" : "https", bind.getHostString(), s.port(),
                room.limits().maxConnections(), room.limits().requestTime().toSeconds());
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) {
        try (x) {
            try {
                route(x);
            } catch (Requests.BadRequest e) {
                LOG.debug("operations room: a bad request from {}: {}", x.getRemoteAddress().getAddress(),
                        e.getMessage());
                send(x, 400, "text/plain; charset=utf-8", e.getMessage());
            }
        } catch (IOException e) {
            LOG.debug("operations room request ended: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("operations room request failed", e);
        }
    }

    private void route(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; script-src 'self';"
                + " style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        boolean post = x.getRequestMethod().equals("POST");
        if (path.equals("/metrics")) {
            if (metricsToken != null && !Requests.same("Bearer " + metricsToken,
                    x.getRequestHeaders().getFirst("Authorization"))) {
                x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"rts-hub-metrics\"");
                send(x, 401, "text/plain", "send the hub's metrics token: Authorization: Bearer <token>");
                return;
            }
            send(x, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
            return;
        }
        if (path.equals("/login")) {
            login(x, post);
            return;
        }
        if (path.equals("/check") || path.matches("/check/[A-Za-z0-9._-]{1,64}\\.html")) {
            // the observers' page: no sign-in, nothing of the room's; its scripts inline
            String page = views.checkPage(path.equals("/check") ? null : path.substring(7, path.length() - 5));
            x.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline';"
                    + " style-src 'unsafe-inline'; img-src blob: data:; media-src blob: mediastream:;"
                    + " connect-src 'self'; frame-ancestors 'none'");
            send(x, page == null ? 404 : 200, "text/html; charset=utf-8", page == null ? "no check page" : page);
            return;
        }
        if (path.equals("/relay")) {
            relay(x, post);
            return;
        }
        String id = session(x);
        if (id == null) {
            if (path.startsWith("/api/")) {
                send(x, 401, "application/json", "{\"error\":\"sign in at /login\"}");
            } else {
                Requests.seeOther(x, "/login", "sign in at /login");
            }
            return;
        }
        if ((path.equals("/logout") || path.startsWith("/api/alerts/act") || path.startsWith("/api/audit/")
                || path.equals("/api/stick")) != post) {
            x.getResponseHeaders().set("Allow", post ? "GET" : "POST");
            send(x, 405, "text/plain", post ? "only /logout, /api/alerts/act and /api/audit/ take a POST"
                    : "sign out, act on an alert or enter the audit with a POST from the page");
            return;
        }
        String user = sessions.user(hash(id), clock.instant()).orElse("");
        switch (path) {
            case "/" -> send(x, 200, "text/html; charset=utf-8", page(csrf(id)));
            case "/ops.js" -> send(x, 200, "text/javascript; charset=utf-8", resource("ops.js"));
            case "/day.js", "/echarts.min.js" -> send(x, 200, "text/javascript; charset=utf-8",
                    resource(path.substring(1)));
            case "/api/day" -> json(x, views.day(Requests.intParam(x, "hours", 24)));
            case "/api/unit-history" -> json(x, views.unitHistory(Requests.param(x, "id")));
            case "/api/maintenance" -> json(x, views.maintenance());
            case "/api/readiness" -> json(x, views.readiness());
            case "/api/missing" -> json(x, views.missing());
            case "/api/units" -> json(x, views.units());
            case "/api/alerts" -> json(x, Map.of("open", views.openAlerts(), "history", views.alertHistory()));
            case "/api/tally" -> json(x, views.tally());
            case "/api/readiness.csv" -> {
                x.getResponseHeaders().set("Content-Disposition", "attachment; filename=readiness.csv");
                send(x, 200, "text/csv; charset=utf-8", views.readinessCsv());
            }
            case "/api/readiness.pdf" -> {
                byte[] pdf;
                try {
                    pdf = views.readinessPdf();
                } catch (HubException | IOException e) {
                    send(x, 503, "text/plain; charset=utf-8", "no readiness PDF now: " + e.getMessage());
                    return;
                }
                x.getResponseHeaders().set("Content-Disposition", "attachment; filename=readiness.pdf");
                send(x, 200, "application/pdf", pdf);
            }
            case "/api/events" -> live.stream(x, () -> running && sessions.valid(hash(id), clock.instant()));
            case "/api/station" -> json(x, views.station(Requests.param(x, "id")));
            case "/api/me" -> json(x, Map.of("user", user, "role", String.valueOf(users.role(user))));
            case "/api/alerts/act" -> AlertActions.act(x, csrf(id), user, users.role(user), views);
            case "/api/stick" -> AlertActions.stick(x, csrf(id), user, users.role(user), views);
            case "/api/audit" -> json(x, views.audit() == null ? Map.of() : views.audit().picture());
            case "/api/audit/select", "/api/audit/count" -> AuditActions.act(x, path, csrf(id), user, users.role(user),
                    views.audit());
            case "/logout" -> logout(x, id);
            default -> {
                byte[] photo = path.matches("/photo/[A-Za-z0-9_-]{43}\\.jpg") ? views.photo(path.substring(7, 50))
                        : null;
                if (photo != null) {
                    send(x, 200, "image/jpeg", photo);
                } else {
                    send(x, 404, "application/json", "{\"error\":\"no such page\"}");
                }
            }
        }
    }

    /**
     * A QR code's text relayed by an observer's page, no sign-in: the body (at most 2 KiB of text) is one code; the
     * answer says what the relay holds, the receipt, or why not.
     */
    private void relay(HttpExchange x, boolean post) throws IOException {
        if (!post) {
            x.getResponseHeaders().set("Allow", "POST");
            send(x, 405, "text/plain", "post one code's text");
            return;
        }
        byte[] body = x.getRequestBody().readNBytes(2049);
        Object answer = body.length > 2048 ? null : views.relay(new String(body, StandardCharsets.UTF_8),
                x.getRemoteAddress().getAddress().getHostAddress());
        if (body.length > 2048) {
            send(x, 413, "application/json", "{\"state\":\"refused\",\"reason\":\"a code holds at most 2 KiB\"}");
        } else if (answer instanceof org.rts.hub.relay.Relay.Answer a) {
            send(x, a.http(), "application/json", org.rts.protocol.codec.Json.mapper().writeValueAsBytes(a));
        } else {
            send(x, 404, "application/json", "{\"error\":\"no relay here\"}");
        }
    }

    private void login(HttpExchange x, boolean post) throws IOException {
        if (!post) {
            loginForm(x, 200, "");
            return;
        }
        Map<String, String> form = Requests.form(x.getRequestBody());
        if (!Requests.same(Requests.cookie(x, LOGIN_COOKIE), form.get("csrf"))) {
            loginForm(x, 403, "The form has expired: sign in again.");
            return;
        }
        String user = form.getOrDefault("user", "");
        InetAddress from = x.getRemoteAddress().getAddress();
        SignIn.Outcome outcome;
        try {
            outcome = signIn.attempt(user, form.getOrDefault("password", "").toCharArray(), from);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        switch (outcome) {
            case SignIn.SignedIn ok -> {
                String id = token();
                sessions.open(hash(id), user, clock.instant().plus(SESSION));
                x.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict;"
                        + secure + " Max-Age=" + SESSION.toSeconds());
                x.getResponseHeaders().add("Set-Cookie", LOGIN_COOKIE + "=; Path=/login;" + secure + " Max-Age=0");
                Requests.seeOther(x, "/", "signed in");
                LOG.info("operations room: {} signed in from {}", Requests.printable(user), from);
            }
            case SignIn.Wrong wrong -> {
                LOG.warn("operations room: a wrong password for '{}' from {}", Requests.printable(user), from);
                loginForm(x, 401, "Wrong user name or password.");
            }
            case SignIn.Throttled t -> {
                LOG.warn("operations room: a sign-in for '{}' from {} refused: too many attempts {}",
                        Requests.printable(user), from, t.account() ? "for the account" : "from the address");
                x.getResponseHeaders().set("Retry-After", String.valueOf(t.retryAfter().toSeconds() + 1));
                loginForm(x, 429, "Too many sign-in attempts " + (t.account() ? "for this account" : "from this"
                        + " address") + ", try again in " + t.minutes() + " minutes.");
            }
            case SignIn.Busy busy -> {
                x.getResponseHeaders().set("Retry-After", "5");
                loginForm(x, 503, "The hub is checking other sign-ins: try again in a moment.");
            }
        }
    }

    private void logout(HttpExchange x, String id) throws IOException {
        if (!Requests.same(csrf(id), Requests.form(x.getRequestBody()).get("csrf"))) {
            send(x, 403, "text/plain", "sign out from the page");
            return;
        }
        sessions.close(hash(id));
        x.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/;" + secure + " Max-Age=0");
        Requests.seeOther(x, "/login", "signed out");
    }

    private String token() {
        byte[] token = new byte[32];
        random.nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** The page's token for its forms: derived from the session's, so only a holder of the cookie can know it. */
    private static String csrf(String sessionId) {
        return hash("csrf:" + sessionId);
    }

    /** The operations room's page, with its token for the sign-out form; all data goes in as text, never markup. */
    private static byte[] page(String csrf) throws IOException {
        return new String(resource("ops.html"), StandardCharsets.UTF_8).replace("{{csrf}}", csrf)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = OpsServer.class.getResourceAsStream("/org/rts/hub/web/" + name)) {
            if (in == null) {
                throw new IOException("the operations room's " + name + " is missing from the hub");
            }
            return in.readAllBytes();
        }
    }

    /**
     * The sign-in form, with the token that the form must send back with the cookie set beside it: the browser's
     * own when it has one, so a second look at the form (its icon's request sent here, another tab) does not leave
     * the first form holding a stale token.
     */
    private void loginForm(HttpExchange x, int status, String message) throws IOException {
        String held = Requests.cookie(x, LOGIN_COOKIE);
        String token = held != null && held.matches("[A-Za-z0-9_-]{43}") ? held : token();
        x.getResponseHeaders().add("Set-Cookie", LOGIN_COOKIE + "=" + token + "; Path=/login; HttpOnly;"
                + " SameSite=Strict;" + secure + " Max-Age=3600");
        send(x, status, "text/html; charset=utf-8", SignIn.page(token, message));
    }

    /** The session's token when the request carries a valid one, else null. */
    private String session(HttpExchange x) {
        String id = Requests.cookie(x, COOKIE);
        return id != null && sessions.valid(hash(id), clock.instant()) ? id : null;
    }

    private static String hash(String token) {
        return org.rts.protocol.jws.Jws.hash(token.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        running = false;
        server.stop(1);
        threads.shutdownNow();
        signIn.close();
    }
}
