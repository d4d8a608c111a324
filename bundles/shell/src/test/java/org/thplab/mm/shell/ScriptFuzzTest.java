package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.thplab.mm.core.runtime.MmRuntime;

/**
 * Fuzzes the script language and the command API (issue 10, item 18) with Jazzer: a case is a
 * small machine ({@link #PROLOGUE}) and up to {@value FuzzedScript#MAX_LINES} lines made from the
 * fuzzer's bytes ({@link FuzzedScript}), each run by {@link ScriptRunner} as a script's line is.
 * Every command must end in one of two ways:
 * <ul>
 * <li>it succeeds;
 * <li>it is a misuse (an {@link IllegalArgumentException}: the runner's exit code 1) and the
 *     machines are as they were before it ({@link MachineState}). A command marked {@code !}
 *     must be such a misuse (its output is then {@code error: ...}) or succeed, which the runner
 *     calls a misuse. Not so for a script's misused line: {@code include} and {@code compare}
 *     have run the lines before it.
 * </ul>
 * Anything else thrown is a finding, and so is a case that runs past {@link Timeout} (wall time).
 * After the lines every machine must pass {@code check} and every region of every live process
 * {@code verify}. What the harness does not run is in {@link FuzzBounds}.
 *
 * <p>Without {@code JAZZER_FUZZ} this is a regression test over the empty input and the files in
 * {@code src/test/resources/org/thplab/mm/shell/ScriptFuzzTestInputs/lines/}: handwritten seeds
 * and the findings of earlier runs. A seed is a script: each line followed by a backslash and a
 * newline, then one zero byte per line, e.g.
 * {@code printf 'spawn r\\\nmmap r x 4M\\\n\0\0' > ScriptFuzzTestInputs/lines/seed-name}.
 * With {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}: a short run is part of
 * {@code mvn verify}; {@code benchmarks/fuzz [minutes]} runs a longer one (docs/reliability.md).
 */
class ScriptFuzzTest {
    /** Before the fuzzer's lines: a machine with swap and a process that has touched part of its region. */
    static final List<String> PROLOGUE = List.of("boot 64M swap=16M", "spawn p", "mmap p a 8M", "touch p a 0 2M");
    /** Where compare and include read their files: two small scripts, the rest of the disk out of reach. */
    static final Path SANDBOX = sandbox();
    /** The script the lines are of: compare and include resolve their files beside it. */
    static final String FILE = SANDBOX.resolve("fuzz.mm").toString();
    /** The transcript: discarded, or on stdout with -Dthplab.print=true (to see what an input does). */
    private static final PrintStream OUT = Boolean.getBoolean("thplab.print") ? System.out
            : new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    /** The sysfs knobs, read once from a machine. */
    private static final List<String> KNOBS = knobs();

    @FuzzTest(maxDuration = "20s")
    @Timeout(30)
    void lines(FuzzedDataProvider data) throws Throwable {
        MmRuntime rt = Harness.runtime();
        CheckedCommands shell = new CheckedCommands(rt);
        for (String line : PROLOGUE) {
            assertEquals(ScriptRunner.OK, ScriptRunner.run(shell, FILE, List.of(line), OUT), line);
        }
        FuzzedScript script = new FuzzedScript(data, KNOBS);
        String line;
        for (int i = 0; i < FuzzedScript.MAX_LINES && (line = script.next()) != null; i++) {
            // a raw string may hold line breaks: split where a script file's lines would be
            for (String l : line.split("\r\n|\r|\n", -1)) {
                run(shell, l);
            }
        }
        for (String machine : rt.names()) {
            ScenarioTest.assertMachineSound(rt.machine(machine).ops());
        }
    }

    /**
     * Runs one line as a script of its own. So {@code exit} or {@code quit} alone ends that line
     * only: {@link ScriptRunner#run} returns 0 (it is {@code ./thplab}'s script thread that ends
     * the JVM, after the last script). The commands that read or write files ({@code include},
     * {@code compare}, {@code sweep}) are kept in the sandbox, where no spec is: a sweep is refused there.
     */
    private static void run(CheckedCommands shell, String line) throws Throwable {
        if (includesOutside(line)) {
            OUT.println("(not run: " + line + ": include reads files outside the sandbox)");
            return;
        }
        int rc = ScriptRunner.run(shell, FILE, List.of(line), OUT, OUT);
        if (shell.finding != null) {
            throw shell.finding; // as thrown, so that Jazzer tells findings apart by their stacks
        }
        if (rc == ScriptRunner.FAILED) {
            throw new AssertionError("exit code 3 (a failure, not a misuse) for: " + line);
        }
    }

    /** Whether the line includes a file outside the sandbox (include is the runner's, not a command). */
    private static boolean includesOutside(String line) {
        try {
            for (Line.Command c : Line.parse(line)) {
                if (c.name().equals("include") && c.words().size() == 2 && FuzzBounds.outside(c.words().get(1))) {
                    return true;
                }
            }
        } catch (IllegalArgumentException e) {
            // an unclosed quote: the runner reports it
        }
        return false;
    }

    /**
     * The shell, checking each command as the runner runs it: a misuse must leave the machines as
     * they were. The first finding is kept, since the runner turns whatever a command throws into
     * exit code 3 and one line.
     */
    static final class CheckedCommands extends Commands {
        private final MmRuntime rt;
        private final FuzzBounds bounds = new FuzzBounds();
        Throwable finding;

        CheckedCommands(MmRuntime rt) {
            super(rt, rt);
            this.rt = rt;
        }

        @Override
        String run(Line.Command c, String file) {
            String why = bounds.skip(c, this);
            if (why != null) {
                OUT.println("(not run: " + why + ")");
                return null;
            }
            List<String> before = MachineState.of(rt, this);
            try {
                String out = super.run(c, file);
                if (c.expectError() && !compared(out.substring("error: ".length()))) {
                    unchanged(c, before, "misused, as expected");
                }
                return out;
            } catch (IllegalArgumentException e) {
                if (!c.expectError() && !compared(e.getMessage())) {
                    unchanged(c, before, e.getMessage());
                }
                throw e;
            } catch (RuntimeException | Error e) {
                finding = finding == null ? e : finding;
                throw e;
            }
        }

        /**
         * Whether the misuse is a line of the script compare runs: compare runs a script, as
         * include does, and the lines before the misused one have run (docs/scripts.md).
         */
        private static boolean compared(String misuse) {
            return String.valueOf(misuse).startsWith("compare: on machine ");
        }

        private void unchanged(Line.Command c, List<String> before, String misuse) {
            List<String> after = MachineState.of(rt, this);
            if (!after.equals(before)) {
                AssertionError e = new AssertionError("'" + c.text() + "' was a misuse (" + misuse
                        + ") but changed the machine:\n" + MachineState.difference(before, after));
                finding = finding == null ? e : finding;
                throw e;
            }
        }
    }

    private static Path sandbox() {
        try {
            Path dir = Files.createTempDirectory("thplab-fuzz");
            dir.toFile().deleteOnExit();
            // no tick: compare runs it with commands of its own, which FuzzBounds does not bound
            write(dir.resolve("w.mm"), "spawn w\nmmap w r 4M\ntouch w r 0 4M\nfork w v\ntouch v r 0 1M\n");
            write(dir.resolve("bad.mm"), "spawn w2\nbogus\nspawn w3\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        file.toFile().deleteOnExit();
    }

    private static List<String> knobs() {
        MmRuntime rt = Harness.runtime();
        Harness.ops(rt).boot(16L << 20, 0, 0);
        return List.copyOf(Harness.ops(rt).tunables().all().keySet());
    }
}
