package org.thplab.mm.core.vma;

/** A vm_area_struct: an anonymous private read-write range with its THP flags. */
public final class Vma {
    public static final int VM_HUGEPAGE = 1;
    public static final int VM_NOHUGEPAGE = 2;

    public long start;
    public long end;
    public int flags;
    public final Region region;
    /**
     * vma->anon_vma is set: some fault allocated memory here (anon_vma_prepare()). Until then
     * the VMA is not eligible for khugepaged or MADV_COLLAPSE (__thp_vma_allowable_orders()).
     */
    public boolean anonVma;
    /** Which anon_vma of its mm, when {@link #anonVma}: VMAs of different ones never merge. */
    public int anonVmaId;

    public Vma(long start, long end, int flags, Region region) {
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.region = region;
    }

    public boolean hugepage() {
        return (flags & VM_HUGEPAGE) != 0;
    }

    public boolean nohugepage() {
        return (flags & VM_NOHUGEPAGE) != 0;
    }

    /** @return the VmFlags: line of smaps for an anonymous private read-write mapping */
    public String vmFlags() {
        return "rd wr mr mw me ac" + (hugepage() ? " hg" : "") + (nohugepage() ? " nh" : "");
    }
}
