package org.thplab.mm.core.mmu;

/**
 * The TLB-flush counters of {@link Mmus}, per CPU: the four vm events a CONFIG_DEBUG_TLBFLUSH=y
 * kernel shows in /proc/vmstat (include/linux/vm_event_item.h; distribution kernels, this box's
 * included, leave them out), counted where arch/x86/mm/tlb.c counts them, and the per-CPU "TLB"
 * line of /proc/interrupts, which every kernel shows.
 */
public enum TlbFlushEvent {
    /** native_flush_tlb_multi() and flush_tlb_all(), on the initiating CPU: one per shootdown, not per target. */
    NR_TLB_REMOTE_FLUSH("nr_tlb_remote_flush"),
    /** flush_tlb_func() on a CPU other than the initiator (and do_flush_tlb_all() on every CPU). */
    NR_TLB_REMOTE_FLUSH_RECEIVED("nr_tlb_remote_flush_received"),
    /** flush_tlb_func()'s full flush, on the initiator only. */
    NR_TLB_LOCAL_FLUSH_ALL("nr_tlb_local_flush_all"),
    /** flush_tlb_func()'s partial flush, on the initiator only: + the strides invalidated. */
    NR_TLB_LOCAL_FLUSH_ONE("nr_tlb_local_flush_one"),
    /** inc_irq_stat(irq_tlb_count) in flush_tlb_func() on a CPU other than the initiator: "TLB shootdowns". */
    TLB_SHOOTDOWNS("TLB");

    private final String procName;

    TlbFlushEvent(String procName) {
        this.procName = procName;
    }

    /** @return the name in /proc/vmstat, or the row label of /proc/interrupts */
    public String procName() {
        return procName;
    }
}
