package org.thplab.mm.core.runtime;

import org.thplab.mm.core.policy.PolicyKind;

/** Where a machine's tunables and selection are kept beyond it: Configuration Admin, for the default machine. */
interface Persistence {
    Persistence NONE = new Persistence() {
        @Override
        public void tunablesChanged() {
        }

        @Override
        public void selectionChanged(PolicyKind kind) {
        }
    };

    /** sysfs wrote a knob. */
    void tunablesChanged();

    /** mm:policy changed a kind's selection. */
    void selectionChanged(PolicyKind kind);
}
