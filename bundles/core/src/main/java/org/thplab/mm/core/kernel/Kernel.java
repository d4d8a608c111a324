package org.thplab.mm.core.kernel;

import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.Tasks;

/**
 * The state every subsystem of one machine shares, and nothing else: the frames and their free
 * lists, the swap device (null without one), simulated time, the event counters, the sysfs
 * knobs, overcommit accounting, the trace buffer, the policy fence, the task list and the CPUs' MMUs (whose TLBs the
 * kernel's paths flush). Subsystems receive it, plus the
 * few peers they use, through their constructors; none holds the machine.
 */
public record Kernel(Frames f, Buddy buddy, SwapDevice swap, Clock clock, VmStat stat, ThpTunables tunables,
        Tracer trace, PolicyGuard guard, Tasks tasks, Mmus mmus,
        Overcommit overcommit) {
}
