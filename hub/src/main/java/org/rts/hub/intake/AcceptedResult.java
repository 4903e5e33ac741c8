package org.rts.hub.intake;

import java.util.List;

/** A station's accepted result for one race, as the tally reads it. */
public record AcceptedResult(String station, String race, String device, String messageHash, int registered,
                             int inBox, int invalid, List<Integer> votes, String figures, List<String> warnings) {
}
