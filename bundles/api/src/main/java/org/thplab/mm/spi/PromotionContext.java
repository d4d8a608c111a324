package org.thplab.mm.spi;

import org.osgi.annotation.versioning.ProviderType;
import org.thplab.mm.api.Tunables;

/** The machine as a promoter sees it: time, tunables, and the mechanisms of promotion. */
@ProviderType
public interface PromotionContext {
    /** @return the machine's tunables */
    Tunables tunables();

    /** @return simulated nanoseconds since boot */
    long now();
}
