package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one line grammar (docs/scripts.md, "Line syntax"), and a script reading it. */
class LineTest {

    private static List<List<String>> words(String line) {
        return Line.parse(line).stream().map(Line.Command::words).toList();
    }

    @Test
    void blanksSeparateWordsQuotesKeepThemAndAQuoteInsideAWordIsACharacter() {
        assertEquals(List.of(List.of("touch", "p", "a", "0", "4K")), words("  touch\tp a  0 4K "));
        assertEquals(List.of(List.of("echo", "a  b", "c d;e#f")), words("echo 'a  b' \"c d;e#f\""));
        assertEquals(List.of(List.of("echo", "khugepaged's", "copy")), words("echo khugepaged's copy"));
        assertEquals(List.of(List.of("echo", "")), words("echo ''"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Line.parse("echo 'a b"));
        assertEquals("the quote ' at column 6 is not closed (a quoted word runs to the next ')", e.getMessage());
    }

    @Test
    void aHashAtTheStartOfAWordStartsACommentAndSemicolonsSeparateCommands() {
        assertEquals(List.of(List.of("touch", "p", "a", "0", "4K")), words("touch p a 0 4K # the first page"));
        assertEquals(List.of(List.of("echo", "a#b")), words("echo a#b"));
        assertEquals(List.of(), words("# only a comment"));
        assertEquals(List.of(), words("   "));
        assertEquals(List.of(List.of("boot", "1G"), List.of("spawn", "p"), List.of("mmap", "p", "a", "2M")),
                words("boot 1G; spawn p ;mmap p a 2M;"));
        assertEquals(List.of(List.of("boot", "1G")), words("boot 1G ; # spawn p"));
        // a Gogo closure keeps its ;
        List<Line.Command> gogo = Line.parse("each [1 2] { echo $it; echo x }; lb");
        assertEquals(2, gogo.size());
        assertEquals("each [1 2] { echo $it; echo x }", gogo.get(0).text());
        assertEquals("lb", gogo.get(1).text());
    }

    @Test
    void anExclamationMarkMarksAnExpectedMisuse() {
        List<Line.Command> c = Line.parse("!spawn p; ! spawn q; spawn r");
        assertEquals(List.of(true, true, false), c.stream().map(Line.Command::expectError).toList());
        assertEquals(List.of(List.of("spawn", "p"), List.of("spawn", "q"), List.of("spawn", "r")),
                c.stream().map(Line.Command::words).toList());
        assertEquals("spawn q", c.get(1).text());
    }

    private static String script(List<String> lines, int[] rc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rc[0] = ScriptRunner.run(Harness.commands(Harness.runtime()), "s.mm", lines,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aScriptReadsSemicolonsQuotesAndTrailingCommentsAsTheShellDoes() {
        int[] rc = new int[1];
        String t = script(List.of("boot 16M; spawn p   # the setup", "mmap p a 2M # one PMD", "touch p a 0 4K write # the first page",
                "echo 'two  blanks; and a #'", "vmstat nr_anon_pages"), rc);
        assertEquals(0, rc[0], t);
        assertEquals("> boot 16M; spawn p   # the setup\nbooted: 16384 kB memory (4096 frames), swap 0 kB, seed 0\n"
                + "> mmap p a 2M # one PMD\n> touch p a 0 4K write # the first page\n"
                + "> echo 'two  blanks; and a #'\ntwo  blanks; and a #\n> vmstat nr_anon_pages\nnr_anon_pages 512\n", t);
    }

    @Test
    void exitOrQuitAloneEndsAScriptRunAndAnUnclosedQuoteIsAMisuse() {
        int[] rc = new int[1];
        String t = script(List.of("boot 16M", "spawn p", "exit p", "quit", "spawn q"), rc);
        assertEquals(0, rc[0]);
        assertTrue(t.endsWith("> exit p\n> quit\n"), t);
        t = script(List.of("echo 'a", "spawn q"), rc);
        assertEquals(1, rc[0]);
        assertEquals("> echo 'a\ns.mm:1: the quote ' at column 6 is not closed (a quoted word runs to the next ')\n", t);
    }
}
