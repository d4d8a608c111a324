package org.thplab.mm.api;

/**
 * One VMA's lines of /proc/PID/smaps, sizes in kB.
 *
 * @param start         first address of the VMA
 * @param end           address after the VMA
 * @param region        the name the process gave the mapping with mmap
 * @param sizeKb        {@code Size:}
 * @param rssKb         {@code Rss:} resident, including huge and zero pages
 * @param anonHugeKb    {@code AnonHugePages:} memory mapped by huge PMDs of anonymous THPs
 * @param swapKb        {@code Swap:}
 * @param thpEligible   {@code THPeligible:} whether a THP may be used here
 * @param vmFlags       {@code VmFlags:} e.g. {@code rd wr mr mw me ac hg}
 */
public record SmapsEntry(long start, long end, String region, long sizeKb, long rssKb,
        long anonHugeKb, long swapKb, boolean thpEligible, String vmFlags) {
}
