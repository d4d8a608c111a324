package org.thplab.mm.core.runtime;

import java.util.List;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.core.runtime.PolicyRegistry.Registered;

/** The policy selection of one named machine, as {@code mm:policy} shows and changes it. Takes the machine's lock. */
final class MachinePolicies implements PolicyAdmin {
    private final NamedMachine m;

    MachinePolicies(NamedMachine m) {
        this.m = m;
    }

    @Override
    public List<PolicyInfo> policies() {
        synchronized (m.lock) {
            return m.selection.policies(m.registry);
        }
    }

    @Override
    public void usePolicy(String kind, String name) {
        PolicyKind k;
        try {
            k = PolicyKind.of(kind);
        } catch (IllegalArgumentException e) {
            throw new MmUsageException("policy: " + e.getMessage());
        }
        synchronized (m.lock) {
            m.selection.use(k, name, m.registry, m.machine);
            m.persistence.selectionChanged(k);
        }
    }

    /**
     * A policy service left the registry: waits for an operation in progress (which may be using
     * it) to end, then forgets its containment here.
     *
     * @return true when it was active here and its kind now falls back
     */
    boolean serviceGone(PolicyKind kind, Registered gone) {
        synchronized (m.lock) {
            boolean active = m.selection.enabled(kind, gone.name()) && !m.selection.broken(gone.service());
            m.selection.forget(gone.service());
            return active && m.selection.activeCount(kind, m.registry) == 0;
        }
    }
}
