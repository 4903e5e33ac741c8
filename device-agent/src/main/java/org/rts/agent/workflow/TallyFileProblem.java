package org.rts.agent.workflow;

/** Why a tally file found on a USB stick was not loaded; each has its own sentence for the officer. */
public enum TallyFileProblem {
    /** Not a tally (a broken line, no station), not UTF-8, or not a regular file. */
    UNREADABLE("file.unreadable"),
    /** Larger than {@link TallyForm#MAX_FILE_BYTES}. */
    TOO_LARGE("file.tooLarge"),
    /** A symbolic link, or in a folder reached through one: it may point anywhere on the unit. */
    LINK("file.link");

    private final String messageKey;

    TallyFileProblem(String messageKey) {
        this.messageKey = messageKey;
    }

    String messageKey() {
        return messageKey;
    }
}
