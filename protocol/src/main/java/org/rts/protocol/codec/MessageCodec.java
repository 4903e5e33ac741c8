package org.rts.protocol.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;

/** JSON encoding of reports and receipts (the payload inside the JWS). */
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

    private static <T> T decode(byte[] json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedMessageException(Reason.MALFORMED, cause.getMessage());
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(Reason.MALFORMED, e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedMessageException(Reason.MALFORMED, e.getMessage());
        }
    }
}
