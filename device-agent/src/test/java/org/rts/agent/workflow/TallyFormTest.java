package org.rts.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rts.agent.AgentException;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Race;

class TallyFormTest {
    private static final List<String> CSV = List.of("field,value", "# station S-1", "race,parliament",
            "registered,500", "received,600", "unused,198", "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,190");

    @Test
    void reads_field_value_csv_with_candidates_by_id() {
        TallyForm form = TallyForm.fromFields("t.csv", CSV);
        assertEquals(400, form.inBox());
        assertEquals(Map.of("a", 200, "b", 190), form.votes());
    }

    @Test
    void refuses_typos_duplicates_and_missing_fields_naming_the_line() {
        List<String> typo = new java.util.ArrayList<>(CSV);
        typo.set(4, "received,6OO");
        assertTrue(assertThrows(AgentException.class, () -> TallyForm.fromFields("t.csv", typo)).getMessage()
                .contains("'6OO'"));
        List<String> twice = new java.util.ArrayList<>(CSV);
        twice.add("a,5");
        assertTrue(assertThrows(AgentException.class, () -> TallyForm.fromFields("t.csv", twice)).getMessage()
                .contains("line 12"));
        List<String> missing = CSV.subList(0, 7);
        assertTrue(assertThrows(AgentException.class, () -> TallyForm.fromFields("t.csv", missing)).getMessage()
                .contains("'inBox'"));
    }

    @Test
    void console_entry_asks_again_until_a_whole_number_is_typed() throws Exception {
        Race race = new Race("parliament", "Parliament", List.of(new Candidate("a", "Alpha"),
                new Candidate("b", "Beta")));
        String typed = String.join("\n", "600", "198", "two", "2", "400", "-1", "10", "200", "190") + "\n";
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        TallyForm form = TallyForm.prompt(race, 500, new BufferedReader(new StringReader(typed)),
                new PrintStream(shown, true));
        assertEquals(new TallyForm("parliament", 500, 600, 198, 2, 400, 10, Map.of("a", 200, "b", 190), null),
                form);
        assertTrue(shown.toString().contains("Votes for Beta"), shown.toString());
    }
}
