package org.rts.protocol.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;

/**
 * JSON encoding of reports and receipts (the payload inside the JWS). A payload has exactly one accepted form, the
 * one {@link #encode} writes: strict UTF-8, compact, fields in declaration order. A payload that decodes but is
 * written any other way (spaces, escapes, another order, another time format) is {@link Reason#MALFORMED}, so one
 * meaning never travels as two messages with two hashes.
 */
public final class MessageCodec {
    private MessageCodec() {
    }

    public static byte[] encode(Object message) {
        try {
            return Json.mapper().writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Report decodeReport(byte[] json) {
        return decode(json, Report.class);
    }

    public static Receipt decodeReceipt(byte[] json) {
        return decode(json, Receipt.class);
    }

    public static org.rts.protocol.message.Telemetry decodeTelemetry(byte[] json) {
        return decode(json, org.rts.protocol.message.Telemetry.class);
    }

    public static org.rts.protocol.message.Presence decodePresence(byte[] json) {
        return decode(json, org.rts.protocol.message.Presence.class);
    }

    private static <T> T decode(byte[] json, Class<T> type) {
        String text = StrictUtf8.decode(json, "payload");
        T value;
        try {
            value = Json.mapper().readValue(text, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedMessageException(Reason.MALFORMED, cause.getMessage());
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(Reason.MALFORMED, e.getOriginalMessage());
        }
        if (!Arrays.equals(json, encode(value))) {
            throw new MalformedMessageException(Reason.MALFORMED, "payload is not in canonical form (compact JSON,"
                    + " fields in protocol order, as the protocol module writes it)");
        }
        return value;
    }
}
