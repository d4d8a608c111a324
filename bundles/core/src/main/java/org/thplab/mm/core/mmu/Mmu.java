package org.thplab.mm.core.mmu;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.thplab.mm.core.mmu.MmuPreset.Geometry;

/**
 * The MMU of one simulated CPU: L1 dTLBs, the unified L2 TLB and the paging-structure caches of
 * its {@link MmuPreset}. The caller has found the mapping in the page table and says how large it
 * is; the model decides where the translation is found and what that costs, in cycles, and counts
 * it ({@link MmuEvent}). Nothing here allocates after construction.
 *
 * <p>A walk reads the paging-structure entries from the deepest one cached down to the leaf
 * (Intel SDM Vol. 3A §4.10.3.2: a PDE-cache hit leaves only the PTE to read, a PDPTE-cache hit
 * the PDE and the PTE, ...) and caches the non-leaf entries it read; a PDE that maps a 2 MiB page
 * is never cached as a PDE (§4.10.3.1). Under nested paging every guest entry read and the final
 * guest-physical address take a host walk, so a walk of g guest levels with h host levels makes
 * (g+1)(h+1)-1 references (Bhargava et al., "Accelerating Two-Dimensional Page Walks for
 * Virtualized Systems", ASPLOS 2008), and its TLB entry is the smaller of the guest and host pages.
 */
public final class Mmu {
    public static final int PAGE_SHIFT = 12;
    public static final int PMD_SHIFT = 21;
    /** arch/x86/mm/tlb.c: a flush of more strides than this is a full flush (init_flush_tlb_info()). */
    public static final int TLB_SINGLE_PAGE_FLUSH_CEILING = 33;
    /** What {@link #flushTlbRange} returns when it flushed the whole address space instead. */
    public static final long TLB_FLUSH_ALL = -1;

    private final MmuPreset preset;
    private final Tlb l1Small;
    private final Tlb l1Huge;
    private final Tlb l2;
    private final Tlb pml4e;
    private final Tlb pdpte;
    private final Tlb pde;
    private final Tlb[] leafArrays;
    private final Tlb[] walkArrays;
    private final Tlb[] arrays;
    private final boolean hugeEntries;
    private final int l1Hit;
    private final int l2Hit;
    /** By [guest page 4K: 0, 2M: 1][first level read, 1..4]: cycles in each dimension and references. */
    private final int[][] guestCycles = new int[2][5];
    private final int[][] hostCycles = new int[2][5];
    private final int[][] refs = new int[2][5];

    /**
     * The tag of the last translation: the most recently used entry of its L1 array, where a
     * repeat finds it without changing anything (the loads of a loop over one page). Any flush forgets it.
     */
    private long last = Tlb.EMPTY;
    private long loads;
    private long l1Misses;
    private long stlbHits;
    private long walks4k;
    private long walks2m;
    private long walkActive;
    private long eptWalk;
    private long walkRefs;
    private long pwcPde;
    private long pwcPdpte;
    private long pwcPml4e;
    private long invlpg;
    private long flushes;
    private long cycles;
    /**
     * Copy on divergence: a shadow MMU (the report's all-THP and all-4K translations) is in this
     * MMU's state while both have seen the same translations, which {@link #translateShared} makes
     * once for all; any other change of either first gives the twin its copy ({@link #detach}).
     * A twin's event counters do not follow.
     */
    private Mmu twinOf;
    private Mmu[] twins = new Mmu[0];
    private int nTwins;

    public Mmu(MmuPreset preset) {
        this.preset = preset;
        Map<String, Tlb> byName = new TreeMap<>();
        Map<String, Geometry> shapes = new TreeMap<>();
        l2 = Tlb.of(preset.l2(), null, byName, shapes);
        l1Small = Tlb.of(preset.l1Small(), l2, byName, shapes);
        l1Huge = Tlb.of(preset.l1Huge(), l2, byName, shapes);
        pml4e = Tlb.of(preset.pml4eCache(), l2, byName, shapes);
        pdpte = Tlb.of(preset.pdpteCache(), l2, byName, shapes);
        pde = Tlb.of(preset.pdeCache(), l2, byName, shapes);
        if (l1Small == l2 || l1Huge == l2) {
            throw new IllegalArgumentException(preset.name() + ": an L1 dTLB cannot be the L2 TLB");
        }
        leafArrays = Tlb.distinct(l1Small, l1Huge, l2);
        walkArrays = Tlb.distinct(pml4e, pdpte, pde);
        arrays = Tlb.distinct(l1Small, l1Huge, l2, pml4e, pdpte, pde);
        hugeEntries = !preset.virtualized() || preset.hostPageShift() == PMD_SHIFT;
        l1Hit = preset.l1HitCycles();
        l2Hit = preset.l2HitCycles();
        List<Integer> level = preset.levelCycles();
        int hostLeaf = preset.hostPageShift() == PMD_SHIFT ? 2 : 1;
        int hostWalk = 0;
        for (int l = hostLeaf; l <= 4; l++) {
            hostWalk += level.get(l - 1);
        }
        int h = 4 - hostLeaf + 1;
        for (int huge = 0; huge < 2; huge++) {
            int leaf = 1 + huge;
            for (int top = leaf; top <= 4; top++) {
                int g = top - leaf + 1;
                for (int l = leaf; l <= top; l++) {
                    guestCycles[huge][top] += level.get(l - 1);
                }
                hostCycles[huge][top] = preset.virtualized() ? (g + 1) * hostWalk : 0;
                refs[huge][top] = preset.virtualized() ? (g + 1) * (h + 1) - 1 : g;
            }
        }
    }

    public MmuPreset preset() {
        return preset;
    }

    /**
     * Translates one access of address space {@code asid} to {@code va}, which the page table maps
     * with a page of 1 << {@code pageShift} bytes ({@link #PAGE_SHIFT} or {@link #PMD_SHIFT}).
     *
     * @return the cycles the translation adds to the access
     */
    public int translate(int asid, long va, int pageShift) {
        partFromAll();
        return translateHere(asid, va, pageShift);
    }

    /** Before a change of its own: a twin takes its copy, and so does every twin of this one. */
    private void partFromAll() {
        if (twinOf != null) {
            twinOf.detach(this);
        }
        if (nTwins != 0) {
            detachAll();
        }
    }

    /**
     * {@link #translate}, which the twins undergo too: the caller has detached every twin that
     * the same call would not equally be made on.
     */
    public int translateShared(int asid, long va, int pageShift) {
        if (twinOf != null) {
            throw new IllegalStateException("translateShared() on a twin: its state is its source's");
        }
        return translateHere(asid, va, pageShift);
    }

    private int translateHere(int asid, long va, int pageShift) {
        if ((va >>> Tlb.VA_BITS | asid >>> Tlb.ASID_BITS) != 0 || pageShift != PAGE_SHIFT && pageShift != PMD_SHIFT) {
            throw badTranslation(asid, va, pageShift);
        }
        loads++;
        boolean huge = pageShift == PMD_SHIFT;
        boolean hugeEntry = huge && hugeEntries;
        long tag = Tlb.tag(asid, va, hugeEntry ? Tlb.K2M : Tlb.K4K);
        int c = l1Hit;
        if (tag == last) {
            cycles += c;
            return c;
        }
        last = tag;
        Tlb l1 = hugeEntry ? l1Huge : l1Small;
        // Each array a translation misses is filled at once (Tlb.access): by the L2 TLB's entry
        // or by the walk, so the entries of one walk enter in the order they were looked up.
        if (!l1.access(tag)) {
            l1Misses++;
            c += l2Hit;
            if (l2.access(tag)) {
                stlbHits++;
            } else {
                c += walk(asid, va, huge);
                if (hugeEntry) {
                    walks2m++;
                } else {
                    walks4k++;
                }
            }
        }
        cycles += c;
        return c;
    }

    private static IllegalArgumentException badTranslation(int asid, long va, int pageShift) {
        return new IllegalArgumentException("translate(asid " + asid + ", va 0x" + Long.toHexString(va) + ", page shift "
                + pageShift + "): asid in [0, 2^" + Tlb.ASID_BITS + "), va below 2^" + Tlb.VA_BITS + ", shift 12 or 21");
    }

    /** @return the cycles of the walk, from the deepest cached paging-structure entry down */
    private int walk(int asid, long va, boolean huge) {
        long tPde = Tlb.tag(asid, va, Tlb.PDE);
        long tPdpte = Tlb.tag(asid, va, Tlb.PDPTE);
        long tPml4e = Tlb.tag(asid, va, Tlb.PML4E);
        // Each lookup that misses is of an entry this walk reads, and so caches (access() fills it).
        int top; // the first level read: 4 is the PML4, 1 the page table
        if (!huge && pde.access(tPde)) {
            pwcPde++;
            top = 1;
        } else if (pdpte.access(tPdpte)) {
            pwcPdpte++;
            top = 2;
        } else if (pml4e.access(tPml4e)) {
            pwcPml4e++;
            top = 3;
        } else {
            top = 4;
        }
        int hi = huge ? 1 : 0;
        int guest = guestCycles[hi][top];
        int host = hostCycles[hi][top];
        walkActive += guest;
        eptWalk += host;
        walkRefs += refs[hi][top];
        return guest + host;
    }

    /**
     * INVLPG: drops the leaf entries that translate {@code va} and, as Intel SDM Vol. 3A §4.10.4.1
     * has it, every paging-structure-cache entry of the address space, whatever its address
     * (applied to every preset: AMD and Arm publish no finer rule for the walk entries they keep).
     */
    public void flushTlbPage(int asid, long va) {
        partFromAll();
        last = Tlb.EMPTY;
        invlpg++;
        flushes++;
        for (Tlb t : leafArrays) {
            t.invalidatePage(asid, va);
        }
        for (Tlb t : walkArrays) {
            t.invalidateAsid(asid, Tlb.WALK_KINDS);
        }
    }

    /**
     * flush_tlb_mm_range() on this CPU alone: one INVLPG per stride of [start, end), or, past
     * {@link #TLB_SINGLE_PAGE_FLUSH_CEILING} strides, the whole address space (init_flush_tlb_info(),
     * then flush_tlb_func()'s loop or flush_tlb_local()).
     *
     * @param strideShift PAGE_SHIFT, or PMD_SHIFT when only PMDs were cleared (tlb_get_unmap_shift())
     * @return the invalidations counted (nr_invalidate), or {@link #TLB_FLUSH_ALL}
     */
    public long flushTlbRange(int asid, long start, long end, int strideShift) {
        if (isFullFlush(start, end, strideShift)) {
            flushTlbMm(asid);
            return TLB_FLUSH_ALL;
        }
        for (long a = start; a < end; a += 1L << strideShift) {
            flushTlbPage(asid, a);
        }
        return (end - start) >>> strideShift;
    }

    /** @return whether flush_tlb_mm_range(start, end, strideShift) becomes a full flush (init_flush_tlb_info()) */
    public static boolean isFullFlush(long start, long end, int strideShift) {
        if (end == TLB_FLUSH_ALL) {
            return true;
        }
        if (start < 0 || end < start || strideShift < PAGE_SHIFT || strideShift > 63) {
            throw new IllegalArgumentException("flush range [0x" + Long.toHexString(start) + ", 0x"
                    + Long.toHexString(end) + ") stride shift " + strideShift);
        }
        return (end - start) >>> strideShift > TLB_SINGLE_PAGE_FLUSH_CEILING;
    }

    /** flush_tlb_local() for this address space: a CR3 write drops its TLB and paging-structure-cache entries. */
    public void flushTlbMm(int asid) {
        partFromAll();
        last = Tlb.EMPTY;
        flushes++;
        for (Tlb t : arrays) {
            t.invalidateAsid(asid);
        }
    }

    /** __flush_tlb_all(): every entry of every address space. */
    public void flushTlbAll() {
        partFromAll();
        last = Tlb.EMPTY;
        flushes++;
        for (Tlb t : arrays) {
            t.invalidateAll();
        }
    }

    /**
     * Makes {@code shadow}, an MMU of the same preset, this one's twin if neither holds an entry
     * (their states are then the same). @return whether it is a twin now
     */
    public boolean twin(Mmu shadow) {
        if (shadow == this || twinOf != null || shadow.preset != preset || shadow.twinOf != null || shadow.nTwins != 0 || !empty()
                || !shadow.empty()) {
            return false;
        }
        if (nTwins == twins.length) {
            twins = java.util.Arrays.copyOf(twins, nTwins + 2);
        }
        twins[nTwins++] = shadow;
        shadow.twinOf = this;
        return true;
    }

    /** @return whether {@code shadow} is in this MMU's state by sharing it */
    public boolean shares(Mmu shadow) {
        return shadow.twinOf == this;
    }

    /** Ends {@code shadow}'s sharing of this state, if it shares it: it gets a copy. */
    public void detach(Mmu shadow) {
        if (shadow.twinOf != this) {
            return;
        }
        for (int i = 0; i < nTwins; i++) {
            if (twins[i] == shadow) {
                twins[i] = twins[--nTwins];
                twins[nTwins] = null;
                break;
            }
        }
        shadow.copyState(this);
        shadow.twinOf = null;
    }

    /** Ends the sharing of every twin but {@code a} and {@code b} (a run's own shadows). */
    public void detachAllBut(Mmu a, Mmu b) {
        for (int i = nTwins - 1; i >= 0; i--) {
            if (twins[i] != a && twins[i] != b) {
                detach(twins[i]); // moves the last twin into slot i: one already looked at
            }
        }
    }

    /** Every twin gets its copy: this MMU is about to change apart from them. */
    public void detachAll() {
        while (nTwins > 0) {
            detach(twins[nTwins - 1]);
        }
    }

    private boolean empty() {
        return last == Tlb.EMPTY && java.util.Arrays.stream(arrays).allMatch(t -> t.size() == 0);
    }

    private void copyState(Mmu from) {
        for (int i = 0; i < arrays.length; i++) {
            arrays[i].copyFrom(from.arrays[i]);
        }
        last = from.last;
    }

    /** @return the counter's value */
    public long count(MmuEvent e) {
        return switch (e) {
            case DTLB_LOADS -> loads;
            case L1_MISSES -> l1Misses;
            case STLB_HITS -> stlbHits;
            case WALKS -> walks4k + walks2m;
            case WALKS_4K -> walks4k;
            case WALKS_2M -> walks2m;
            case WALK_ACTIVE -> walkActive;
            case EPT_WALK_PENDING -> eptWalk;
            case WALK_REFS -> walkRefs;
            case PWC_HIT_PDE -> pwcPde;
            case PWC_HIT_PDPTE -> pwcPdpte;
            case PWC_HIT_PML4E -> pwcPml4e;
            case INVLPG -> invlpg;
            case FLUSHES -> flushes;
            case CYCLES -> cycles;
        };
    }

    /** Adds every counter into {@code sums}, indexed by {@link MmuEvent#ordinal()}: counters of several CPUs add up. */
    public void addCounts(long[] sums) {
        for (MmuEvent e : MmuEvent.values()) {
            sums[e.ordinal()] += count(e);
        }
    }

    /** @return {@code cycles} of this core in simulated nanoseconds, rounded */
    public long nanos(long cycles) {
        return Math.round(cycles / preset.ghz());
    }

    // For the tests of this package.

    Tlb l1(boolean huge) {
        return huge ? l1Huge : l1Small;
    }

    Tlb l2() {
        return l2;
    }

    Tlb pwc(int kind) {
        return kind == Tlb.PDE ? pde : kind == Tlb.PDPTE ? pdpte : pml4e;
    }
}
