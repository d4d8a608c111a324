package org.thplab.mm.core.runtime;

import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.frames.Frames;

/**
 * The Java heap a machine may need, checked at boot against what the JVM can still give, so that
 * a machine too large for the heap is refused with a message instead of an OutOfMemoryError in
 * the middle of a command. The estimate is for a machine touched whole by one process and then
 * checked: the frame state (22 B per frame, {@link Frames#bytesPerFrame()}), a PTE table and the
 * content oracle's entry per page (12.3 B per touched page, docs/benchmarks.md), and what
 * {@code check} allocates (a byte and an int per frame, a long per swap slot), with a margin.
 */
final class HeapBudget {
    /** Bytes of heap per 4 KiB frame for a machine touched whole and checked. */
    static final int BYTES_PER_FRAME = 44;
    /** Bytes of heap per swap slot: the device's slot state and check's reference count. */
    static final int BYTES_PER_SWAP_SLOT = 16;
    /** What the runtime, the shell and a command's own garbage need besides. */
    static final long MARGIN = 16L << 20;

    private HeapBudget() {
    }

    static long needed(long bytes, long swapBytes) {
        return bytes / Frames.PAGE_SIZE * BYTES_PER_FRAME + swapBytes / Frames.PAGE_SIZE * BYTES_PER_SWAP_SLOT + MARGIN;
    }

    /** What the JVM can still give: its maximum less what is live now. */
    private static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * @throws MmUsageException naming what the machine needs, what the heap has and how to
     *         raise it, when the machine would not fit
     */
    static void check(long bytes, long swapBytes) {
        long need = needed(bytes, swapBytes);
        if (need <= available()) {
            return;
        }
        System.gc(); // what is used may be garbage (a machine booted over, an earlier run)
        long have = available();
        if (need <= have) {
            return;
        }
        long max = Runtime.getRuntime().maxMemory();
        long suggest = (max - have + need + (1L << 30) - 1) >> 30;
        throw new MmUsageException(String.format("boot: a machine of %s with %s of swap may need %s of Java heap"
                + " (%d B per 4 KiB frame for its frames, page tables, contents and check), but this JVM has %s free"
                + " of its maximum %s; raise the maximum, e.g. THPLAB_JAVA_OPTS=-Xmx%dg ./thplab ...",
                gib(bytes), gib(swapBytes), gib(need), BYTES_PER_FRAME, gib(have), gib(max), suggest));
    }

    private static String gib(long b) {
        if (b >= (1L << 40)) {
            return String.format("%.1f TiB", b / (double) (1L << 40));
        }
        return b >= (1L << 30) ? String.format("%.1f GiB", b / (double) (1L << 30)) : (b >> 20) + " MiB";
    }
}
