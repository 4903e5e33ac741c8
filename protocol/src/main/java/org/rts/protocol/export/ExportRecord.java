package org.rts.protocol.export;

import java.time.Instant;

/**
 * One message the hub received, in arrival order ({@code n} = 1, 2, 3, ...), with the receipt it answered.
 * {@code body} is base64url (unpadded) of the bytes exactly as received; {@code hash} is base64url SHA-256 of those
 * bytes. {@code body} is null for a {@code RESEND} (an identical copy of an earlier record, answered with that
 * record's receipt), for unchained rejections beyond the hub's storage bound (only their hash is kept), and for
 * chained rejections beyond their unit's bound ("body withheld": hash, size and receipt only; never an acceptance).
 * {@code status} is {@code ACCEPTED}, {@code REJECTED} or {@code RESEND}; {@code receipt} is the compact JWS the hub
 * published; {@code path} how an accepted or rejected message first came: {@code mqtt}, {@code mqtt:<edge>},
 * {@code usb} (not written for a resend, nor by exports made before paths were kept).
 */
public record ExportRecord(long n, Instant receivedAt, String topic, String device, String hash, int size,
                           String status, String body, String receipt,
                           @com.fasterxml.jackson.annotation.JsonInclude(
                                   com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String path) {
    public ExportRecord(long n, Instant receivedAt, String topic, String device, String hash, int size,
                        String status, String body, String receipt) {
        this(n, receivedAt, topic, device, hash, size, status, body, receipt, null);
    }

    public static final String ACCEPTED = "ACCEPTED";
    public static final String REJECTED = "REJECTED";
    public static final String RESEND = "RESEND";
}
