package org.rts.hub.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.rts.hub.HubException;
import org.rts.hub.store.SessionStore;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.Alerts;
import org.rts.hub.units.UnitRegistry;
import org.rts.protocol.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations room's server (the JDK's HTTP server, a virtual thread per request so live streams cost little):
 * a login, then the JSON API ({@code /api/units}, {@code /api/alerts}, {@code /api/tally},
 * {@code /api/readiness.csv}) and a live stream of the same ({@code /api/events}, server-sent events, a snapshot
 * every {@link #EVENT_EVERY}). {@code /metrics} is Prometheus's, without login: bind the server to the operations
 * network. It reads what the hub keeps; nothing here is on the hub's message path.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    static final Duration SESSION = Duration.ofHours(12);
    static final Duration EVENT_EVERY = Duration.ofSeconds(2);
    static final String COOKIE = "rts_session";

    /**
     * Where sessions are kept: in the hub's store, so that a hub restarted keeps its signed-in operators and the page
     * reconnects by itself. Only a hash of each session's token is kept.
     */
    public interface Sessions {
        void open(String tokenHash, String user, Instant until);

        boolean valid(String tokenHash, Instant now);

        void close(String tokenHash);
    }

    /** Sessions kept in memory only (they end with the process). */
    public static Sessions inMemory() {
        Map<String, Instant> map = new ConcurrentHashMap<>();
        return new Sessions() {
            @Override
            public void open(String tokenHash, String user, Instant until) {
                map.put(tokenHash, until);
            }

            @Override
            public boolean valid(String tokenHash, Instant now) {
                Instant until = map.get(tokenHash);
                return until != null && !now.isAfter(until);
            }

            @Override
            public void close(String tokenHash) {
                map.remove(tokenHash);
            }
        };
    }

    /** Sessions kept in the hub's store, so a restarted hub keeps its signed-in operators. */
    public static Sessions stored(SessionStore store) {
        return new Sessions() {
            @Override
            public void open(String tokenHash, String user, Instant until) {
                store.open(tokenHash, user, until);
            }

            @Override
            public boolean valid(String tokenHash, Instant now) {
                return store.valid(tokenHash, now);
            }

            @Override
            public void close(String tokenHash) {
                store.close(tokenHash);
            }
        };
    }

    /** What the server shows, read when asked. */
    public interface Views {
        List<UnitRegistry.UnitStatus> units();

        List<Alerts.Alert> openAlerts();

        List<Alerts.Alert> alertHistory();

        LiveTally.Picture tally();

        String readinessCsv();
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Users users;
    private final Views views;
    private final Supplier<byte[]> metrics;
    private final Clock clock;
    private final Sessions sessions;
    private final SecureRandom random = new SecureRandom();
    private volatile boolean running = true;
    private byte[] lastEvent;
    private long lastEventAt;

    private OpsServer(HttpServer server, Users users, Views views, Supplier<byte[]> metrics, Sessions sessions,
                      Clock clock) {
        this.server = server;
        this.sessions = sessions;
        this.users = users;
        this.views = views;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Serves on {@code bind} (port 0: any free one). */
    public static OpsServer start(InetSocketAddress bind, Users users, Views views, Supplier<byte[]> metrics,
                                  Sessions sessions, Clock clock) {
        HttpServer http;
        try {
            http = HttpServer.create(bind, 64);
        } catch (IOException e) {
            throw new HubException("cannot serve the operations room on " + bind + ": " + e.getMessage(), e);
        }
        OpsServer s = new OpsServer(http, users, views, metrics, sessions, clock);
        http.setExecutor(s.threads);
        http.createContext("/", s::handle);
        http.start();
        LOG.info("operations room on http://{}:{}/ (metrics on /metrics)", bind.getHostString(), s.port());
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            x.getResponseHeaders().set("Cache-Control", "no-store");
            x.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; script-src 'self'"
                    + " 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'");
            if (path.equals("/metrics")) {
                send(x, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
                return;
            }
            if (path.equals("/login")) {
                login(x);
                return;
            }
            if (!signedIn(x)) {
                if (path.startsWith("/api/")) {
                    send(x, 401, "application/json", "{\"error\":\"sign in at /login\"}");
                } else {
                    x.getResponseHeaders().set("Location", "/login");
                    send(x, 303, "text/plain", "sign in at /login");
                }
                return;
            }
            switch (path) {
                case "/" -> send(x, 200, "text/html; charset=utf-8", page());
                case "/api/units" -> json(x, views.units());
                case "/api/alerts" -> json(x, Map.of("open", views.openAlerts(), "history", views.alertHistory()));
                case "/api/tally" -> json(x, views.tally());
                case "/api/readiness.csv" -> {
                    x.getResponseHeaders().set("Content-Disposition", "attachment; filename=readiness.csv");
                    send(x, 200, "text/csv; charset=utf-8", views.readinessCsv());
                }
                case "/api/events" -> events(x);
                case "/logout" -> logout(x);
                default -> send(x, 404, "application/json", "{\"error\":\"no such page\"}");
            }
        } catch (IOException e) {
            LOG.debug("operations room request ended: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("operations room request failed", e);
        }
    }

    private void login(HttpExchange x) throws IOException {
        if (x.getRequestMethod().equals("POST")) {
            Map<String, String> form = form(x.getRequestBody());
            String user = form.getOrDefault("user", "");
            char[] password = form.getOrDefault("password", "").toCharArray();
            if (users.check(user, password)) {
                byte[] token = new byte[32];
                random.nextBytes(token);
                String id = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
                sessions.open(hash(id), user, clock.instant().plus(SESSION));
                x.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict;"
                        + " Max-Age=" + SESSION.toSeconds());
                x.getResponseHeaders().set("Location", "/");
                send(x, 303, "text/plain", "signed in");
                LOG.info("operations room: {} signed in from {}", user, x.getRemoteAddress().getAddress());
                return;
            }
            LOG.warn("operations room: a wrong password for '{}' from {}", user, x.getRemoteAddress().getAddress());
            send(x, 401, "text/html; charset=utf-8", loginPage("Wrong user name or password."));
            return;
        }
        send(x, 200, "text/html; charset=utf-8", loginPage(""));
    }

    private void logout(HttpExchange x) throws IOException {
        String id = cookie(x);
        if (id != null) {
            sessions.close(hash(id));
        }
        x.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0");
        x.getResponseHeaders().set("Location", "/login");
        send(x, 303, "text/plain", "signed out");
    }

    /** The operations room's page: all data goes in as text through the DOM, never as markup. */
    private static byte[] page() throws IOException {
        try (InputStream in = OpsServer.class.getResourceAsStream("/org/rts/hub/web/ops.html")) {
            if (in == null) {
                throw new IOException("the operations room page is missing from the hub");
            }
            return in.readAllBytes();
        }
    }

    private static String loginPage(String message) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>RTS operations room</title>"
                + "</head><body><h1>RTS operations room</h1><form method=\"post\" action=\"/login\">"
                + "<label>User <input name=\"user\" autocomplete=\"username\"></label> "
                + "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\">"
                + "</label> <button>Sign in</button></form><p id=\"message\">" + message + "</p></body></html>";
    }

    private boolean signedIn(HttpExchange x) {
        String id = cookie(x);
        return id != null && sessions.valid(hash(id), clock.instant());
    }

    private static String hash(String token) {
        return org.rts.protocol.jws.Jws.hash(token.getBytes(StandardCharsets.US_ASCII));
    }

    private static String cookie(HttpExchange x) {
        for (String header : x.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    /** Server-sent events: a snapshot of units, open alerts and tally now, then every few seconds. */
    private void events(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        while (running) {
            out.write(snapshot());
            out.flush();
            try {
                Thread.sleep(EVENT_EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The event every stream sends now: made once per interval however many pages are open, so that the store is
     * read once, not once per operator.
     */
    private synchronized byte[] snapshot() throws IOException {
        long now = System.nanoTime();
        if (lastEvent == null || now - lastEventAt >= EVENT_EVERY.toNanos() / 2) {
            Map<String, Object> snapshot = new HashMap<>();
            snapshot.put("units", views.units());
            snapshot.put("alerts", views.openAlerts());
            snapshot.put("tally", views.tally());
            lastEvent = ("event: snapshot\ndata: " + Json.mapper().writeValueAsString(snapshot) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            lastEventAt = now;
        }
        return lastEvent;
    }

    private static void json(HttpExchange x, Object value) throws IOException {
        send(x, 200, "application/json", Json.mapper().writeValueAsBytes(value));
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        send(x, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    private static Map<String, String> form(InputStream in) throws IOException {
        Map<String, String> map = new HashMap<>();
        String body = new String(in.readNBytes(8192), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return map;
    }

    @Override
    public void close() {
        running = false;
        server.stop(1);
        threads.shutdownNow();
    }
}
