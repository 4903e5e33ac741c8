package org.rts.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.rts.protocol.message.Reason;

/**
 * UTF-8 as RFC 3629 defines it and nothing else: no byte-order mark, no overlong forms, no encoded surrogates, no
 * other encoding guessed from the bytes (JSON parsers otherwise read UTF-16 or UTF-32 too).
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** Decodes {@code bytes}; throws {@link MalformedMessageException} naming {@code what} otherwise. */
    public static String decode(byte[] bytes, String what) {
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            throw new MalformedMessageException(Reason.MALFORMED, what + " starts with a byte-order mark");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(Reason.MALFORMED, what + " is not valid UTF-8 (" + e + ")");
        }
    }
}
