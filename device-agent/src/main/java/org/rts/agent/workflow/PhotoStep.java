package org.rts.agent.workflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rts.agent.i18n.Messages;
import org.rts.protocol.message.Photo;

/**
 * The step between the review and the confirmation of a result where the ballot asks for the photo of the signed
 * paper form: CONFIRM takes it, UP takes it again, TRANSMIT uses it (so no run of one button sends a result), NEXT
 * sends without one where the ballot makes photos optional or the camera failed, CANCEL goes back to the review.
 */
final class PhotoStep {
    enum Outcome {
        STAY,
        DONE,
        BACK
    }

    private final Messages messages;
    private final boolean optional;
    private Photo photo;
    private String failure;

    /** The step; a unit without a {@code camera} has none to take and the result says it was skipped. */
    PhotoStep(Messages messages, boolean optional, boolean camera) {
        this.messages = messages;
        this.optional = optional;
        this.photo = camera ? null : Photo.SKIPPED;
    }

    /** The photo (or that it was skipped) once the step is done. */
    Photo photo() {
        return photo;
    }

    Outcome pressed(org.rts.hardware.Button button, FlowOutputs out) {
        switch (button) {
            case CONFIRM, UP -> take(out);
            case TRANSMIT -> {
                if (photo != null) {
                    return Outcome.DONE;
                }
                out.beep(300);
            }
            case NEXT -> {
                if (optional || failure != null) {
                    photo = Photo.SKIPPED;
                    return Outcome.DONE;
                }
                out.beep(300);
            }
            case CANCEL -> {
                return Outcome.BACK;
            }
            default -> { }
        }
        return Outcome.STAY;
    }

    private void take(FlowOutputs out) {
        try {
            photo = out.photograph();
            failure = null;
        } catch (IOException | RuntimeException e) {
            photo = null;
            failure = e.getMessage();
            out.beep(600);
        }
    }

    List<String> screen() {
        List<String> lines = new ArrayList<>();
        if (photo != null) {
            lines.add(messages.get("photo.taken", (photo.bytes() + 1023) / 1024));
            lines.add(messages.get("photo.use"));
        } else {
            lines.add(failure == null ? messages.get("photo.title") : messages.get("photo.failed", failure));
            lines.add(messages.get("photo.take"));
            if (optional || failure != null) {
                lines.add(messages.get(optional ? "photo.skip" : "photo.skip.failed"));
            }
        }
        lines.add(messages.get("photo.back"));
        return List.copyOf(lines);
    }
}
