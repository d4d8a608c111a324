package org.thplab.mm.api;

/**
 * One VMA's lines of /proc/PID/smaps, sizes in kB, as Linux 6.18's show_smap() computes them
 * (smaps_account(): a page mapped once is private and counts whole in Pss; a page mapped by n
 * page tables counts 1/n, with the kernel's 12-bit fixed point, and shared; an entry that is not
 * present, a migration entry, counts whole and shared). The lines thplab cannot have (KSM,
 * LazyFree, shmem, file and hugetlb mappings, Locked) are 0 and not held here.
 *
 * @param start          first address of the VMA
 * @param end            address after the VMA
 * @param region         the name the process gave the mapping with mmap
 * @param sizeKb         {@code Size:}
 * @param rssKb          {@code Rss:} resident pages; the zero page and the huge zero page are not
 *                       (vm_normal_page() skips them)
 * @param pssKb          {@code Pss:} the proportional share of Rss
 * @param pssDirtyKb     {@code Pss_Dirty:} the share of pages whose PTE or PMD is dirty
 * @param sharedCleanKb  {@code Shared_Clean:}
 * @param sharedDirtyKb  {@code Shared_Dirty:}
 * @param privateCleanKb {@code Private_Clean:}
 * @param privateDirtyKb {@code Private_Dirty:}
 * @param referencedKb   {@code Referenced:} pages whose PTE or PMD is young
 * @param anonymousKb    {@code Anonymous:}
 * @param anonHugeKb     {@code AnonHugePages:} memory mapped by huge PMDs of anonymous THPs
 * @param swapKb         {@code Swap:}
 * @param swapPssKb      {@code SwapPss:} the proportional share of Swap (a slot that n PTEs refer to counts 1/n)
 * @param thpEligible    {@code THPeligible:} whether a THP may be used here
 * @param vmFlags        {@code VmFlags:} e.g. {@code rd wr mr mw me ac hg}
 */
public record SmapsEntry(long start, long end, String region, long sizeKb, long rssKb, long pssKb, long pssDirtyKb,
        long sharedCleanKb, long sharedDirtyKb, long privateCleanKb, long privateDirtyKb, long referencedKb,
        long anonymousKb, long anonHugeKb, long swapKb, long swapPssKb, boolean thpEligible, String vmFlags) {

    /**
     * The entry of API 2.10, which held Size, Rss, AnonHugePages, Swap and THPeligible only: the
     * lines added in 2.11 are -1 (not known) in an entry made this way.
     *
     * @deprecated since 2.11: give every line
     */
    @Deprecated
    public SmapsEntry(long start, long end, String region, long sizeKb, long rssKb, long anonHugeKb, long swapKb,
            boolean thpEligible, String vmFlags) {
        this(start, end, region, sizeKb, rssKb, -1, -1, -1, -1, -1, -1, -1, -1, anonHugeKb, swapKb, -1, thpEligible,
                vmFlags);
    }
}
