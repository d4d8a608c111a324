package org.thplab.mm.spi.cow;

import org.osgi.annotation.versioning.ConsumerType;
import org.thplab.mm.spi.FaultOutcome;

/** Decides what a write fault on a shared huge page (or the huge zero page) does. */
@ConsumerType
public interface CowPolicy {
    /**
     * @return MAPPED when the policy resolved the fault at PMD level; FALLBACK after it split
     *         the PMD, so that the core copies one base page; OOM when memory could not be had
     *         (see {@link FaultOutcome#OOM})
     */
    FaultOutcome hugeWriteFault(HugeWriteFault fault);
}
