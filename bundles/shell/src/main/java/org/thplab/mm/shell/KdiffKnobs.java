package org.thplab.mm.shell;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real kernel's THP knobs under {@value #DIR}: saved before a kdiff run and restored after it
 * (also on an error or a signal, through a shutdown hook), with a lock file so that two runs never
 * share the global knobs; and the gate that lets the real khugepaged act only at a tick.
 *
 * <p>The gate follows khugepaged_wait_work() and the sysfs store functions of mm/khugepaged.c:
 * outside ticks scan_sleep_millisecs is an hour; writing it resets khugepaged_sleep_expire and
 * wakes the thread for one pass, so after each write kdiff waits until the thread sleeps again. A
 * tick sets a short sleep, waits until full_scans has grown by two, and closes the gate again.
 * A sentinel process with a PMD-mapped THP in a MADV_HUGEPAGE region keeps khugepaged's mm list
 * non-empty: on an empty list the first mm that enters it wakes khugepaged at once
 * (__khugepaged_enter()).
 */
final class KdiffKnobs implements AutoCloseable {
    static final Path DIR = Path.of("/sys/kernel/mm/transparent_hugepage");
    static final long CLOSED_MS = 3_600_000;
    static final long OPEN_MS = 10;
    private static final Pattern SELECTED = Pattern.compile("\\[([^\\]]+)\\]");

    private final Map<Path, String> saved = new LinkedHashMap<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread hook = new Thread(this::restore, "kdiff-restore");
    private boolean restored;

    KdiffKnobs(Path lockFile) throws IOException {
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l = lockChannel.tryLock();
        if (l == null) {
            System.err.println("kdiff: waiting for another kdiff run to finish (lock " + lockFile + ")");
            l = lockChannel.lock();
        }
        lock = l;
        for (Path p : writable()) {
            String v = read(p);
            Matcher m = SELECTED.matcher(v);
            saved.put(p, m.find() ? m.group(1) : v);
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Every writable knob, the khugepaged sleeps last: writing them wakes khugepaged. */
    private static List<Path> writable() throws IOException {
        List<Path> all = new ArrayList<>();
        try (var files = Files.walk(DIR, 2)) {
            files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/stats/"))
                    .filter(KdiffKnobs::writable).sorted().forEach(all::add);
        }
        all.sort((a, b) -> Boolean.compare(a.toString().contains("sleep_millisecs"), b.toString().contains("sleep_millisecs")));
        return all;
    }

    /** Writable by its mode (root may open a read-only sysfs file for writing; the write then fails). */
    static boolean writable(Path p) {
        try {
            return Files.isRegularFile(p)
                    && Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        } catch (IOException e) {
            return false;
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.US_ASCII).strip();
    }

    /** Writes a knob as sysfs takes it; @return ok or the errno name of the refusal */
    static String write(String knob, String value) {
        try {
            Files.writeString(DIR.resolve(knob), value, StandardCharsets.US_ASCII);
            return "ok";
        } catch (java.nio.file.NoSuchFileException e) {
            return "ENOENT";
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("Invalid argument") ? "EINVAL" : m.contains("busy") ? "EBUSY" : "EIO";
        }
    }

    static long number(String knob) {
        try {
            return Long.parseLong(read(DIR.resolve(knob)));
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("kdiff: cannot read " + DIR.resolve(knob) + ": " + e.getMessage());
        }
    }

    /** Closes the gate: an hour's sleep, and back to sleep after the wake that the write causes. */
    static void closeGate() {
        write("khugepaged/scan_sleep_millisecs", Long.toString(CLOSED_MS));
        awaitSleep();
    }

    /** A tick on the kernel: khugepaged runs until it has completed two more full scans. */
    static String tick(long timeoutMs) {
        long target = number("khugepaged/full_scans") + 2;
        write("khugepaged/scan_sleep_millisecs", Long.toString(OPEN_MS));
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        boolean done;
        while (!(done = number("khugepaged/full_scans") >= target) && System.nanoTime() < deadline) {
            sleep(2);
        }
        // Closing the gate wakes khugepaged for one more pass (the write resets its sleep): with
        // pages_to_scan at 1 that pass scans one PMD from the head of the list (the host's own
        // mms and the sentinel come before the script's) instead of a third pass over the script.
        String pages = Long.toString(number("khugepaged/pages_to_scan"));
        write("khugepaged/pages_to_scan", "1");
        closeGate();
        write("khugepaged/pages_to_scan", pages);
        return done ? "ok" : "timeout: khugepaged completed fewer than 2 full scans in " + timeoutMs + " ms";
    }

    /** Waits until the khugepaged thread sleeps (state S, in khugepaged_wait_work()) twice in a row. */
    static void awaitSleep() {
        Path proc = khugepaged();
        if (proc == null) {
            return; // enabled=never everywhere: no thread
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        int calm = 0;
        while (calm < 2 && System.nanoTime() < deadline) {
            try {
                String stat = read(proc.resolve("stat"));
                String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
                String wchan = read(proc.resolve("wchan"));
                calm = state.equals("S") && wchan.startsWith("khugepaged") ? calm + 1 : 0;
            } catch (IOException | RuntimeException e) {
                return; // the thread ended (enabled was set to never)
            }
            sleep(5);
        }
    }

    private static Path khugepaged() {
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    if (read(d.resolve("comm")).equals("khugepaged")) {
                        return d;
                    }
                } catch (IOException e) {
                    // a process that ended meanwhile
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kdiff: interrupted");
        }
    }

    /** Puts every knob back as it was before the run. */
    synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        saved.forEach((p, v) -> write(DIR.relativize(p).toString(), v));
        awaitSleep();
    }

    @Override
    public void close() throws IOException {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook has run
        }
        lock.release();
        lockChannel.close();
    }
}
