package org.thplab.mm.core.stat;

/**
 * What promotion and copy-on-write copied, and the simulated time the copies took: the first of
 * Mel Gorman's measures in the reservation RFC's review ("the cost of collapsing and copying").
 * Not /proc/vmstat counters: the kernel keeps none of these.
 */
public final class CopyCosts {
    public long khugepagedCollapses;
    public long khugepagedBytes;
    public long khugepagedNs;
    public long madvCollapses;
    public long madvBytes;
    public long madvNs;
    public long cow4k;
    public long cow2m;
    public long cowBytes;
    public long cowNs;

    /** A collapse by copy committed: {@code pages} copied, the rest zeroed, in {@code ns}. */
    public void collapsed(boolean khugepaged, int pages, long ns) {
        if (khugepaged) {
            khugepagedCollapses++;
            khugepagedBytes += pages * 4096L;
            khugepagedNs += ns;
        } else {
            madvCollapses++;
            madvBytes += pages * 4096L;
            madvNs += ns;
        }
    }

    /** A copy-on-write fault copied a page of {@code bytes} (4 KiB or 2 MiB) in {@code ns}. */
    public void cowCopied(long bytes, long ns) {
        if (bytes == 4096) {
            cow4k++;
        } else {
            cow2m++;
        }
        cowBytes += bytes;
        cowNs += ns;
    }
}
