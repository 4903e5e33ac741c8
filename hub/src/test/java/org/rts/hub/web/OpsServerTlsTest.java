package org.rts.hub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.TlsContexts;

/** Beyond the host the operations room is served over HTTPS only, and its cookies are never sent in clear. */
class OpsServerTlsTest {
    private static final Views NOTHING = new EmptyViews();

    @TempDir
    Path dir;
    private Path users;
    private X509CertificateHolder ca;
    private Path cert;
    private Path key;

    @BeforeEach
    void setUp() throws Exception {
        users = dir.resolve("users");
        Files.writeString(users, Users.line("amal", "correct horse".toCharArray()) + "\n");
        ECPrivateKeyParameters caKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        Instant from = Instant.now().minus(Duration.ofHours(1));
        ca = CertificateIssuer.selfSignedCa("el", caKey, from, Duration.ofDays(30));
        ECPrivateKeyParameters webKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        cert = dir.resolve("ops.pem");
        key = dir.resolve("ops.key");
        Pem.writeCertificate(cert, new CertificateIssuer(ca, caKey).brokerCertificate("el", List.of("127.0.0.1"),
                Keys.publicOf(webKey), from, Duration.ofDays(30)));
        Pem.writePrivateKey(key, webKey);
    }

    private OpsServer start(OpsRoom room) {
        return OpsServer.start(room, NOTHING, () -> new byte[0], Sessions.inMemory(), Clock.systemUTC());
    }

    @Test
    void beyond_the_host_plain_http_is_refused_at_start() {
        HubException e = assertThrows(HubException.class, () -> start(new OpsRoom("0.0.0.0", 0, users)));
        assertTrue(e.getMessage().contains("--ops-cert"), e.getMessage());
    }

    @Test
    void a_key_that_is_not_the_certificates_is_refused() {
        Path other = dir.resolve("other.key");
        Pem.writePrivateKey(other, (ECPrivateKeyParameters) Keys.generate().getPrivate());
        HubException e = assertThrows(HubException.class, () -> new OpsRoom("0.0.0.0", 0, users, cert, other, null).tls());
        assertTrue(e.getMessage().contains("is not the key of the certificate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OpsRoom("0.0.0.0", 0, users, cert, null, null));
    }

    @Test
    void with_a_certificate_it_serves_https_and_its_cookies_are_secure() throws Exception {
        try (OpsServer server = start(new OpsRoom("0.0.0.0", 0, users, cert, key, null))) {
            HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.context(null, null, List.of(ca)))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            String base = "https://127.0.0.1:" + server.port();
            HttpResponse<String> form = https.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String loginCookie = form.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(loginCookie.contains("; Secure;"), loginCookie);
            String body = form.body();
            String token = body.substring(body.indexOf("value=\"") + 7, body.indexOf('"', body.indexOf("value=\"") + 7));
            HttpResponse<String> signedIn = https.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", loginCookie.substring(0, loginCookie.indexOf(';')))
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token + "&user=amal&password=correct+horse"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, signedIn.statusCode(), signedIn.body());
            String session = signedIn.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith(OpsServer.COOKIE + "=")).findFirst().orElseThrow();
            assertTrue(session.contains("; Secure;"), session);
        }
    }

    @Test
    void on_loopback_plain_http_stays_and_its_cookies_are_not_marked_secure() throws Exception {
        try (OpsServer server = start(new OpsRoom("127.0.0.1", 0, users))) {
            HttpResponse<String> form = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/login")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, form.statusCode());
            assertFalse(form.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"));
        }
    }
}
