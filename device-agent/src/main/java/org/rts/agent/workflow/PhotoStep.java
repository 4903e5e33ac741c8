package org.rts.agent.workflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rts.agent.i18n.Messages;
import org.rts.protocol.message.Photo;

/**
 * The step between the review and the confirmation of a result where the ballot asks for the photo of the signed
 * paper form: CONFIRM takes it (then uses it), UP takes it again, NEXT sends without one where the ballot makes
 * photos optional or the camera failed, CANCEL goes back to the review.
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

    PhotoStep(Messages messages, boolean optional) {
        this.messages = messages;
        this.optional = optional;
    }

    /** The photo (or that it was skipped) once the step is done. */
    Photo photo() {
        return photo;
    }

    Outcome pressed(org.rts.hardware.Button button, FlowOutputs out) {
        switch (button) {
            case CONFIRM -> {
                if (photo != null) {
                    return Outcome.DONE;
                }
                take(out);
            }
            case UP -> take(out);
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
