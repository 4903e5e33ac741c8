package org.rts.agent.i18n;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import org.rts.protocol.message.Finding;

/**
 * Every string the officer reads, from {@code messages_<language>.properties} (Arabic, French, English). Numbers are
 * passed in already written with Latin digits, as on the paper forms and the receipt codes.
 */
public final class Messages {
    private final String language;
    private final ResourceBundle bundle;

    private Messages(String language, ResourceBundle bundle) {
        this.language = language;
        this.bundle = bundle;
    }

    /** {@code ar}, {@code fr} or {@code en}. */
    public static Messages of(String language) {
        Locale locale = Locale.forLanguageTag(language);
        ResourceBundle bundle = ResourceBundle.getBundle("org.rts.agent.i18n.messages", locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        if (!bundle.getLocale().getLanguage().equals(language)) {
            throw new IllegalArgumentException("no messages in language '" + language + "'");
        }
        return new Messages(language, bundle);
    }

    public String language() {
        return language;
    }

    /** Whether the language is written right to left. */
    public boolean rightToLeft() {
        return language.equals("ar");
    }

    public String get(String key, Object... args) {
        String pattern = bundle.getString(key);
        if (args.length == 0) {
            return pattern;
        }
        Object[] text = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            text[i] = args[i] instanceof Number n ? String.valueOf(n) : String.valueOf(args[i]);
        }
        return new MessageFormat(pattern.replace("'", "''"), Locale.ROOT).format(text);
    }

    public boolean has(String key) {
        try {
            bundle.getString(key);
            return true;
        } catch (MissingResourceException e) {
            return false;
        }
    }

    /**
     * A hub reason or a check's finding in plain words: the rule's own sentence where there is one
     * ({@code rule.<RULE>} with the form's figures), else the reason's ({@code reason.<CODE>}).
     */
    public String finding(Finding f, Object... figures) {
        String code = f.code();
        String rule = code.contains(":") ? code.substring(code.indexOf(':') + 1) : code;
        if (has("rule." + rule)) {
            return get("rule." + rule, figures);
        }
        if (has("reason." + rule)) {
            return get("reason." + rule);
        }
        return code;
    }
}
