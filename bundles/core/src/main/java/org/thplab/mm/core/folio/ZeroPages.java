package org.thplab.mm.core.folio;

/** The 4 KiB zero page and the huge zero page (get_huge_zero_page()), with the PMDs that map it. */
public final class ZeroPages {
    /** The 4 KiB zero page. */
    public final int zeroPfn;
    /** The huge zero page, or -1 while not allocated; and how many PMDs map it. */
    public int hugeZeroPfn = -1;
    public long hugeZeroUsers;

    public ZeroPages(int zeroPfn) {
        this.zeroPfn = zeroPfn;
    }
}
