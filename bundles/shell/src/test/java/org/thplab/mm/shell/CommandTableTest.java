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
