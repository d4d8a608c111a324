package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;

/** Each command is declared once, by its method: the Gogo functions, usage and help all come from there. */
class CommandTableTest {

    @Test
    void everyGogoFunctionHasAUsageNamingItAndAHelpText() {
        String[] names = CommandTable.names();
        assertTrue(names.length > 20, Arrays.toString(names));
        for (String name : names) {
            String usage = CommandTable.usage(name);
            assertTrue(usage.equals(name) || usage.startsWith(name + " "), name + ": usage " + usage);
            CommandTable.Command c = CommandTable.all().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            assertFalse(c.help().isBlank(), name + ": no help");
        }
    }

    @Test
    void everyPublicMethodOfCommandsIsACommandButTheTwoEntryPoints() {
        Set<String> entryPoints = Set.of("execute", "_main");
        List<String> notCommands = new ArrayList<>();
        for (Method m : Commands.class.getDeclaredMethods()) {
            boolean command = Arrays.asList(CommandTable.names()).contains(m.getName());
            if (Modifier.isPublic(m.getModifiers()) && !command && !entryPoints.contains(m.getName())) {
                notCommands.add(m.getName() + " (no @Descriptor?)");
            }
        }
        assertEquals(List.of(), notCommands);
    }

    @Test
    void helpListsEveryCommandWithItsUsage() {
        String help = Harness.commands(Harness.runtime()).execute("help");
        for (CommandTable.Command c : CommandTable.all()) {
            assertTrue(help.contains(String.format("mm:%-10s %s%n    %s", c.name(), c.help(), c.usage())), c.name());
        }
    }

    @Test
    void everyCommandHasAnExampleThatFitsItsUsage() {
        for (CommandTable.Command c : CommandTable.all()) {
            assertFalse(c.examples().isEmpty(), c.name() + ": no @Example");
            for (String e : c.examples()) {
                List<Line.Command> parsed = Line.parse(e);
                assertEquals(1, parsed.size(), e);
                List<String> w = parsed.get(0).words();
                assertEquals(c.name(), w.get(0), e);
                int n = c.method().getParameterCount();
                assertTrue(w.size() - 1 >= c.required() && (c.varargs() || w.size() - 1 <= n), e + " does not fit " + c.usage());
            }
        }
    }

    @Test
    void helpOfOneCommandShowsItsUsageHelpAndExamples() {
        Commands sh = Harness.commands(Harness.runtime());
        assertEquals("touch <proc> <region> <off> <len> [read|write]\n"
                + "    access every 4 KiB page of the range (default write), faulting as needed\n"
                + "examples:\n    touch app heap 0 64M write\n    touch app heap 2M 4K read", sh.execute("help touch"));
        assertEquals(sh.execute("help touch"), sh.execute("help mm:touch"));
        assertTrue(sh.execute("help exit").contains("exit or quit alone leaves the shell"), sh.execute("help exit"));
        assertEquals(sh.execute("help"), sh.execute("help mm"));
        assertEquals("error: help: no command 'frobnicate' (help lists them)", sh.execute("!help frobnicate"));
    }

    @Test
    void durationsTakeMinAndMIsAMisuseThatSaysSo() {
        assertEquals(60_000_000_000L, Sizes.duration("1min"));
        assertEquals(90_000_000_000L, Sizes.duration("90s"));
        assertEquals(20_000_000L, Sizes.duration("20ms"));
        assertEquals(20_000_000L, Sizes.duration("20"));
        for (String m : List.of("1M", "1m")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.duration(m));
            assertEquals("tick: bad duration '" + m + "' (M means MiB, in sizes; for minutes write 1min)", e.getMessage());
        }
    }

    @Test
    void aNegativeOrBadOffsetOrLengthIsNamedSo() {
        Commands sh = Harness.commands(Harness.runtime());
        sh.execute("boot 16M; spawn p; mmap p a 2M");
        assertEquals("error: touch: negative offset '-4K'", sh.execute("!touch p a -4K 4K"));
        assertEquals("error: touch: negative length '-4K'", sh.execute("!touch p a 0 -4K"));
        assertEquals("error: madvise: bad offset 'x' (use bytes or a K/M/G/T suffix)", sh.execute("!madvise p a x 4K collapse"));
        assertEquals("error: munmap: negative offset '-1'", sh.execute("!munmap p a -1 4K"));
        assertEquals("error: poison: negative offset '-1'", sh.execute("!poison p a -1"));
        assertEquals("error: mmap: negative size '-2M'", sh.execute("!mmap p b -2M"));
    }

    @Test
    void theParametersSayHowManyWordsACommandTakes() {
        Commands sh = Harness.commands(Harness.runtime());
        sh.execute("boot 16M");
        sh.execute("spawn p");
        sh.execute("mmap p a 2M");
        assertEquals("error: mmap: wrong number of arguments; usage: mmap <proc> <region> <size>", sh.execute("!mmap p b"));
        assertEquals("error: mmap: wrong number of arguments; usage: mmap <proc> <region> <size>", sh.execute("!mmap p b 2M 2M"));
        assertEquals(sh.execute("smaps p a"), sh.execute("smaps p"), "an optional word left out is null");
        assertEquals("error: smaps: wrong number of arguments; usage: smaps <proc> [<region>]", sh.execute("!smaps"));
        assertEquals("error: munmap: wrong number of arguments; usage: munmap <proc> <region> [<off> <len>]", sh.execute("!munmap p a 0"));
        assertEquals("a b c", sh.execute("echo a b c"), "a String... parameter takes the remaining words");
        assertEquals("", sh.execute("echo"));
    }

    static class MissingDescriptor {
        @Descriptor("x")
        public String x(String proc) {
            return null;
        }
    }

    static class RequiredAfterOptional {
        @Descriptor("x")
        public String x(@Descriptor("[<a>]") String a, @Descriptor("<b>") String b) {
            return null;
        }
    }

    static class NotAString {
        @Descriptor("x")
        public String x(@Descriptor("<n>") int n) {
            return null;
        }
    }

    static class Overloaded {
        @Descriptor("x")
        public String x() {
            return null;
        }

        @Descriptor("x")
        public String x(@Descriptor("<a>") String a) {
            return null;
        }
    }

    @Test
    void aDeclarationThatBreaksTheRulesFailsWhenRead() {
        for (Class<?> bad : List.of(MissingDescriptor.class, RequiredAfterOptional.class, NotAString.class, Overloaded.class)) {
            assertThrows(IllegalStateException.class, () -> CommandTable.read(bad), bad.getSimpleName());
        }
    }
}
