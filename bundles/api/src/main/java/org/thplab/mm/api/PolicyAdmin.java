package org.thplab.mm.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The policy selection of one machine. The policy services are shared by every machine; which of
 * them serves a kind, which promoters are enabled, and which were disabled for misbehaving, is
 * each machine's own. A change takes effect at the machine's next operation.
 *
 * @since 2.0
 */
@ProviderType
public interface PolicyAdmin {
    /** @return the policies of every kind, as this machine uses them */
    List<PolicyInfo> policies();

    /**
     * Selects the active policy of a kind; for {@code promotion}, {@code name} or {@code +name}
     * enables a promoter and {@code -name} disables it. A policy disabled by containment on this
     * machine gets another chance.
     *
     * @throws MmUsageException for an unknown kind or a policy that is not registered
     */
    void usePolicy(String kind, String name);
}
