package org.rts.hub.forward;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import javax.net.ssl.SSLContext;

/**
 * Forwards by HTTPS POST with a JSON body and the message hash as {@code Idempotency-Key}. 2xx is delivered;
 * 408, 429 and 5xx are retried (after {@code Retry-After} when given); any other answer is a refusal.
 */
public final class HttpUpstream implements Upstream {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final HttpClient client;
    private final Duration timeout;

    public HttpUpstream(URI uri, SSLContext tls) {
        this(uri, tls, TIMEOUT);
    }

    /** {@code timeout}: how long an answer may take before the delivery is tried again. */
    HttpUpstream(URI uri, SSLContext tls, Duration timeout) {
        this.uri = uri;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Duration longestDelivery() {
        return CONNECT_TIMEOUT.plus(timeout);
    }

    @Override
    public String name() {
        return Forwarding.name(uri);
    }

    @Override
    public Outcome deliver(ForwardedMessage message, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .header("Idempotency-Key", message.idempotencyKey()).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Retry(String.valueOf(e.getMessage() != null ? e.getMessage() : e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Retry("interrupted", null);
        }
        int status = response.statusCode();
        String answer = "HTTP " + status + " " + abbreviate(response.body());
        if (status >= 200 && status < 300) {
            return new Delivered();
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new Retry(answer, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        return new Refused(answer);
    }

    /** {@code Retry-After} in seconds or as an HTTP date (RFC 9110); null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static String abbreviate(String body) {
        String one = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
