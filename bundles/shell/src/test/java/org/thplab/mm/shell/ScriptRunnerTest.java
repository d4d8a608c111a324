package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;

class ScriptRunnerTest {

    private static String[] run(List<String> lines, int[] rc) {
        Commands c = Harness.commands(Harness.runtime());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rc[0] = ScriptRunner.run(c, "s.mm", lines, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void stopsAtTheFirstMisusedCommandWithFileAndLine() {
        int[] rc = new int[1];
        String[] out = run(List.of("# a comment", "boot 1G", "", "spawn p", "spawn p", "spawn q"), rc);
        assertEquals(1, rc[0]);
        assertEquals(List.of("> boot 1G", "booted: 1048576 kB memory (262144 frames), swap 0 kB, seed 0",
                "> spawn p", "> spawn p", "s.mm:5: spawn: process 'p' exists"), List.of(out));
    }

    @Test
    void failedSystemCallIsOutputNotAnError() {
        int[] rc = new int[1];
        String[] out = run(List.of("boot 1G", "spawn p", "mmap p a 2M", "madvise p a 0 2M collapse",
                "policy disable madv-collapse", "madvise p a 0 2M collapse"), rc);
        assertEquals(0, rc[0]);
        assertEquals("EINVAL: VMA at 0x100000000 has no anon_vma (nothing was faulted in)", out[out.length - 4]);
        assertEquals("EINVAL: MADV_COLLAPSE is not supported: no enabled promotion policy implements it", out[out.length - 1]);
    }

    @Test
    void expectedMisuseGoesOnAndUnexpectedSuccessFails() {
        int[] rc = new int[1];
        String[] out = run(List.of("!spawn p", "mm:boot 16M", "!boot 16M"), rc);
        assertEquals(1, rc[0]);
        assertEquals("error: spawn: no machine yet: boot one first (boot <size>)", out[1]);
        assertEquals("s.mm:3: boot: expected an error, but the command succeeded", out[out.length - 1]);
    }

    @Test
    void sameScriptSameTranscript() {
        List<String> script = List.of("boot 64M swap=8M", "spawn p", "mmap p a 96M", "touch p a 0 96M write",
                "fork p c", "touch c a 0 8M write", "madvise p a 0 4M pageout", "touch p a 0 2M read", "vmstat", "stat");
        int[] rc = new int[1];
        assertEquals(List.of(run(script, rc)), List.of(run(script, rc)));
    }

    @Test
    void includeRunsAnotherScriptInPlaceRelativeToTheIncludingOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir.resolve("sub"));
        java.nio.file.Files.writeString(dir.resolve("sub/prologue.mm"), "# shared\nboot 16M\nspawn p\n");
        java.nio.file.Files.writeString(dir.resolve("self.mm"), "include self.mm\n");
        org.thplab.mm.core.runtime.MmRuntime rt = Harness.runtime();
        MachineOps mm = Harness.ops(rt);
        Commands c = Harness.commands(rt);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String main = dir.resolve("main.mm").toString();
        assertEquals(0, ScriptRunner.run(c, main, List.of("include sub/prologue.mm", "mmap p a 2M"), out));
        assertEquals(List.of("> include sub/prologue.mm", "> boot 16M", "booted: 16384 kB memory (4096 frames), swap 0 kB, seed 0",
                "> spawn p", "> mmap p a 2M"), List.of(bytes.toString(StandardCharsets.UTF_8).split("\n")));

        bytes.reset();
        assertEquals(1, ScriptRunner.run(c, main, List.of("include nosuch.mm", "spawn q"), out));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(main + ":1: include: cannot read nosuch.mm", lines[lines.length - 1].replaceAll(": [^:]*$", ""));

        bytes.reset();
        assertEquals(1, ScriptRunner.run(c, dir.resolve("self.mm").toString(), List.of("include self.mm"), out));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(true, text.contains("include: nested more than 8 deep"), text);
        assertEquals(List.of("p"), mm.processes(), "the line after a failed include did not run");
    }

    @Test
    void aFileNameNoPathCanBeMadeOfIsAMisuseOfIncludeAndCompare() {
        // ScriptFuzzTest's first finding: a NUL in the name threw InvalidPathException out of the
        // runner (exit code 3 without FILE:LINE); compare's misuse said it in Java's words.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Commands c = Harness.commands(Harness.runtime());
        int rc = ScriptRunner.run(c, "s.mm", List.of("include a\0b.mm", "echo after"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, rc);
        assertEquals("s.mm:1: include: cannot read a\0b.mm: not a file name (Nul character not allowed)\n",
                err.toString(StandardCharsets.UTF_8));
        c.execute("boot --name b 16M");
        c.execute("boot --name default 16M");
        assertEquals("error: compare: cannot read x\0.mm: not a file name (Nul character not allowed)",
                c.execute("!compare default,b x\0.mm"));
    }

    /** A shell whose {@code boom} command throws what it is given, as a command running out of memory would. */
    private static Commands throwing(Throwable t) {
        return new Commands(Harness.runtime(), Harness.runtime()) {
            @Override
            String run(Line.Command command, String file) {
                if (command.name().equals("boom")) {
                    if (t instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) t;
                }
                return super.run(command, file);
            }
        };
    }

    @Test
    void anErrorOfTheJvmEndsTheRunWithItsOwnCodeAndOneLineOnStderr() {
        for (Throwable t : List.of(new OutOfMemoryError("Java heap space"), new StackOverflowError(),
                new IllegalStateException("fault at 0x1 did not resolve"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = ScriptRunner.run(throwing(t), "s.mm", List.of("echo before", "boom", "echo after"),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(3, rc, t.toString());
            assertEquals("> echo before\nbefore\n> boom\n", out.toString(StandardCharsets.UTF_8), "the transcript stops there");
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, e.split("\n").length, e);
            org.junit.jupiter.api.Assertions.assertTrue(e.startsWith("s.mm:2: "), e);
            org.junit.jupiter.api.Assertions.assertFalse(e.contains("java.lang"), e);
        }
        String[] said = new String[1];
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ScriptRunner.run(throwing(new OutOfMemoryError("Java heap space")), "s.mm", List.of("boom"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        said[0] = err.toString(StandardCharsets.UTF_8);
        assertEquals("s.mm:1: out of memory: the JVM's heap is too small for this (Java heap space); give it more with"
                + " THPLAB_JAVA_OPTS=-Xmx<size>, or boot a smaller machine\n", said[0]);
    }

    @Test
    void aMisuseGoesToStderrAndTheTranscriptToStdout() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ScriptRunner.run(Harness.commands(Harness.runtime()), "s.mm", List.of("boot 16M", "spawn p", "spawn p"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, rc);
        assertEquals("> boot 16M\nbooted: 16384 kB memory (4096 frames), swap 0 kB, seed 0\n> spawn p\n> spawn p\n",
                out.toString(StandardCharsets.UTF_8));
        assertEquals("s.mm:3: spawn: process 'p' exists\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstLineAndUnreadableScriptsSayWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path bom = dir.resolve("bom.mm");
        java.nio.file.Files.write(bom, "\uFEFFboot 16M\necho café\n".getBytes(StandardCharsets.UTF_8));
        java.nio.file.Files.write(dir.resolve("latin1.mm"), new byte[] {'e', 'c', 'h', 'o', ' ', (byte) 0xe9, '\n'});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Commands c = Harness.commands(Harness.runtime());
        assertEquals(0, ScriptRunner.runAll(c, bom.toString(), o, e));
        assertEquals("> boot 16M\nbooted: 16384 kB memory (4096 frames), swap 0 kB, seed 0\n> echo café\ncafé\n",
                out.toString(StandardCharsets.UTF_8));
        for (String[] file : new String[][] {{"nosuch.mm", "no such file"}, {".", "is a directory, not a script"},
                {"latin1.mm", "not UTF-8 text"}}) {
            err.reset();
            String path = dir.resolve(file[0]).toString();
            assertEquals(2, ScriptRunner.runAll(c, path, o, e), file[0]);
            assertEquals(path + ": cannot read: " + file[1] + "\n", err.toString(StandardCharsets.UTF_8));
        }
    }
}
