package org.thplab.mm.core.fault;

import org.thplab.mm.core.mmu.Mmu;

/**
 * The translations a shadow MMU owes while it no longer shares the CPU's MMU: kept in order and
 * made a thousand at a time. A shadow sees nothing but its process's translations, so when they
 * are made changes none of its cycles; made in a batch, the shadow's TLB arrays stay in the
 * host's caches instead of taking turns with the CPU MMU's and the page table's on every access.
 * The cycles are due by the end of the run ({@link #drain}), before anything reads them.
 */
final class Deferred {
    private static final int BATCH = 1 << 10;
    private final long[] vas = new long[BATCH];
    private int n;

    /** Owes the translation of {@code va}. @return the cycles of the translations made now (a full batch), or 0 */
    long add(Mmu shadow, int asid, long va, int pageShift) {
        vas[n++] = va;
        return n == BATCH ? drain(shadow, asid, pageShift) : 0;
    }

    /** Makes every owed translation, in order. @return their cycles */
    long drain(Mmu shadow, int asid, int pageShift) {
        long c = 0;
        for (int i = 0; i < n; i++) {
            c += shadow.translate(asid, vas[i], pageShift);
        }
        n = 0;
        return c;
    }
}
