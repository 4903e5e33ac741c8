package org.rts.protocol.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration used for messages and configuration files. Strict on input: unknown fields, duplicate
 * keys, floats or strings where a whole number belongs and nulls for numbers are all errors, so one signed message
 * can only be read one way.
 */
public final class Json {
    private static final ObjectMapper MAPPER = build(false);
    private static final ObjectMapper PRETTY = build(true);

    private Json() {
    }

    private static ObjectMapper build(boolean pretty) {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .configure(SerializationFeature.INDENT_OUTPUT, pretty)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxNumberLength(20).maxStringLength(1 << 20).build());
        return mapper;
    }

    /** Compact mapper for messages on the wire. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Indented mapper for files people read (configuration, ballot definitions). */
    public static ObjectMapper pretty() {
        return PRETTY;
    }
}
