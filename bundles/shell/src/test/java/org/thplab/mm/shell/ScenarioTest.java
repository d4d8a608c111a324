package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.core.runtime.MmRuntime;

/**
 * Runs every scenario script under {@code scripts/} that has an expected transcript beside it
 * ({@code name.mm} and {@code name.out}) and compares the transcripts line by line. After each
 * scenario every machine must pass {@code check}, and every region of every live process
 * {@code verify}. Set {@code -Dthplab.print=true} to print transcripts.
 */
class ScenarioTest {
    static final Path SCRIPTS = Path.of("../../scripts");

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.walk(SCRIPTS)) {
            scripts = s.filter(p -> p.toString().endsWith(".mm")).sorted().toList();
        }
        return scripts.stream()
                .filter(p -> Files.exists(expectedOf(p)))
                .map(p -> DynamicTest.dynamicTest(SCRIPTS.relativize(p).toString(), () -> run(p)));
    }

    static Path expectedOf(Path script) {
        String n = script.getFileName().toString();
        return script.resolveSibling(n.substring(0, n.length() - 3) + ".out");
    }

    static void run(Path script) throws IOException {
        MmRuntime rt = Harness.runtime();
        Commands commands = Harness.commands(rt);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int rc = ScriptRunner.run(commands, script.toString(), Files.readAllLines(script), out);
        String actual = bytes.toString(StandardCharsets.UTF_8);
        if (Boolean.getBoolean("thplab.print")) {
            System.out.println("=== " + script + "\n" + actual);
        }
        String expected = Files.readString(expectedOf(script), StandardCharsets.UTF_8);
        assertEquals(expected, actual, "transcript of " + script);
        assertEquals(0, rc, "exit code of " + script);
        for (String machine : rt.names()) {
            assertMachineSound(rt.machine(machine).ops());
        }
    }

    /** mm:check passes and every region of every live process verifies. */
    static void assertMachineSound(MachineOps mm) {
        if (mm.processes().isEmpty() && mm.now() == 0) {
            return;
        }
        assertEquals(List.of(), mm.check(), "mm:check");
        for (String p : mm.processes()) {
            for (SmapsEntry e : mm.smaps(p, null)) {
                assertEquals(0, mm.verify(p, e.region()), "verify " + p + " " + e.region());
            }
        }
    }
}
