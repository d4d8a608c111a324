package org.thplab.mm.core.fault;

/** What a step of the fault handler returns, as the kernel's vm_fault_t does. */
enum FaultResult {
    /** The access completed (0). */
    DONE,
    /** The entry changed, or a step mapped something: look at it again (VM_FAULT_RETRY, or a "goto again"). */
    RETRY,
    /** Out of memory (VM_FAULT_OOM). */
    OOM
}
