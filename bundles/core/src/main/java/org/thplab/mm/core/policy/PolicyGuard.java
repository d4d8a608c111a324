package org.thplab.mm.core.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.trace.Tracer;

/**
 * The fence around every call into a policy, and the policies one operation consults.
 *
 * <p>A policy that throws (an {@code OutOfMemoryError} or a {@code StackOverflowError}
 * included), runs past its budget, misuses a mechanism or uses its context outside its call is
 * recorded and treated as absent from then on; the caller completes the operation with the
 * kind's built-in fallback and the runtime disables the policy. {@link #call} is the one place
 * that catches; it allocates nothing (a call is a static, non-capturing lambda that leaves its
 * answer in the context it is given).
 *
 * <p>A context is valid only during the call it was handed to, on the thread that made it: the
 * mechanisms call {@link #checkBudget}, which refuses any other thread, and any use once the
 * operation is over (one reference compare). The wall-clock budget is kept by
 * {@link PolicyWatchdog}, which interrupts a call that overruns it; the simulated budget is
 * checked here, deterministically (docs/reliability.md).
 *
 * <p>Its speed rests on being inlined into each caller: there the lambda is a constant and the
 * policy call monomorphic, so the JIT inlines the policy into the fault; compiled on its own, the
 * lambda and the policy are megamorphic calls (every kind passes here), which cost the base-page
 * fault a quarter of its rate. The JIT does not inline it into the fault path by itself (the
 * path is deep and {@code call} is compiled early on its own), so the launchers ask for it:
 * {@value #JIT_OPTION} (docs/architecture.md).
 */
public final class PolicyGuard {
    /** The JVM option with which ./thplab and the benchmarks have {@link #call} inlined into every caller. */
    public static final String JIT_OPTION = "-XX:CompileCommand=inline,org.thplab.mm.core.policy.PolicyGuard::call";

    /** Simulated and wall-clock time one policy call may take before it is stopped. */
    public static final long POLICY_SIM_BUDGET = 1_000_000_000L;
    public static final long POLICY_WALL_BUDGET = 2_000_000_000L;
    /** Why a call that ran past either budget failed. */
    static final String OVER_BUDGET = "ran past its time budget (" + POLICY_SIM_BUDGET / 1_000_000 + " ms simulated or "
            + POLICY_WALL_BUDGET / 1_000_000 + " ms wall per call)";

    /** One call into a policy; it leaves its answer in {@code ctx}. */
    @FunctionalInterface
    public interface Call<P, C> {
        void run(P policy, C ctx);
    }

    /** Thrown by a mechanism when the policy calling it has run past its budget. */
    public static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BudgetExceeded(String m) {
            super(m);
        }
    }

    private final Clock clock;
    private final Tracer trace;
    private ActivePolicies policies = ActivePolicies.NONE;
    /** Policies that failed during this operation; the runtime takes and disables them. */
    private final List<PolicyFailure> failures = new ArrayList<>();
    private final Set<Object> failed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** {@code !failed.isEmpty()}, kept as a field: {@link #usable} is asked twice per fault. */
    private boolean anyFailed;
    /**
     * Failures seen on another thread (a mechanism used from there, or by the watchdog), for the
     * machine's thread to record; {@code interrupted}: the thread the watchdog interrupted.
     */
    private final Queue<Posted> posted = new ConcurrentLinkedQueue<>();

    private record Posted(Object policy, String reason, Thread interrupted) {
    }

    /**
     * The thread operating the machine, from {@link #begin} to {@link #end}; the only one whose
     * mechanism calls are served. The constructing thread until the first operation.
     */
    private Thread owner = Thread.currentThread();
    /** Nesting depth of policy calls in progress. */
    private int depth;
    /** Outermost calls entered so far: the number of the one in progress, by which the watchdog tells calls apart. */
    private long calls;
    /** The call the watchdog found past the wall-clock budget, or -1. */
    private volatile long overrun = -1;
    /** Taken by the watchdog while it interrupts, and by the fence when it takes the interrupt back. */
    private final Object alarm = new Object();
    /** When the call in progress runs out of simulated time. */
    private long deadline;
    /**
     * What {@link #checkBudget} compares the clock with: {@link #deadline}, or {@link #POKED}
     * when the watchdog has stopped the call ({@link #stop}), or anything earlier than the
     * clock, which only sends the check to its slow path once.
     */
    private long simDeadline = Long.MAX_VALUE;
    private static final long POKED = Long.MIN_VALUE;
    /** Mechanism calls so far: every 256th takes the slow path, which reads {@link #overrun}. */
    private int checks;
    /** What the last failed call threw. */
    private Throwable lastError;

    public PolicyGuard(Clock clock, Tracer trace) {
        this.clock = clock;
        this.trace = trace;
        PolicyWatchdog.watch(this);
    }

    public ActivePolicies policies() {
        return policies;
    }

    /**
     * An operation begins on the calling thread, with these policies: until {@link #end}, only
     * this thread may use the machine's mechanisms.
     *
     * @return true when the policies differ from the last operation's
     */
    public boolean begin(ActivePolicies p) {
        owner = Thread.currentThread();
        if (p == policies) {
            return false;
        }
        policies = p;
        return true;
    }

    /** The operation is over: no context handed out so far may be used any more. */
    public void end() {
        owner = null;
    }

    /** @return true when the policy is present and has not failed */
    public boolean usable(Object policy) {
        return policy != null && (!anyFailed || !failedNow(policy));
    }

    private boolean failedNow(Object policy) {
        if (!posted.isEmpty()) {
            takePosted();
        }
        return failed.contains(policy);
    }

    /**
     * Calls a policy inside the fence.
     *
     * @return true when the call returned; false when the policy threw or ran past its budget
     *         (it is recorded as failed, and the caller serves the request itself)
     */
    public <P, C> boolean call(P policy, String what, C ctx, Call<P, C> call) {
        // Kept this small: it is inlined into every caller, and a caller whose compiled code
        // grows past the JIT's limit is no longer inlined into the fault path itself (the
        // allocator's tryAlloc() was not, with the watchdog's handling written out here).
        enter();
        try {
            call.run(policy, ctx);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // An OutOfMemoryError thrown while the policy allocated: what it allocated in the
            // call is garbage once its frames are gone, so the heap comes back here.
            threw(policy, what, e);
            return false;
        } finally {
            depth--;
        }
        return simDeadline != POKED || !stopped(policy, what);
    }

    /** The call returned with the watchdog's poke set: @return true (and it failed) if it was this call's */
    private boolean stopped(Object policy, String what) {
        if (!overran()) {
            return false;
        }
        threw(policy, what, null);
        return true;
    }

    /** Opens a policy call's fence: its budget and number start (a nested call shares the outer one's). */
    private void enter() {
        if (depth++ == 0) {
            simDeadline = deadline = clock.now() + POLICY_SIM_BUDGET;
            calls++;
        }
    }

    /** The policy call inside the fence threw e, or ran past its budget: it is recorded as failed. */
    private void threw(Object policy, String what, Throwable e) {
        Throwable why = e == null || overran() ? new BudgetExceeded(OVER_BUDGET) : e;
        lastError = why;
        failed(policy, what + ": " + (why instanceof BudgetExceeded ? why.getMessage() : why.toString()));
    }

    /** @return what the last call that returned false threw */
    public Throwable lastError() {
        return lastError;
    }

    /**
     * Called by every mechanism that changes the machine, before it does: refuses a thread that is
     * not operating the machine (a policy's own thread, or a context kept past its call), and
     * stops a policy call that has run past its simulated budget or that the watchdog found past
     * its wall-clock one.
     */
    public void checkBudget() {
        // The watchdog's poke (simDeadline) is read plainly, and the JIT may hoist that read out
        // of a loop that never writes it: every 256th check reads its volatile flag (overrun).
        if (Thread.currentThread() != owner || clock.now() > simDeadline || (++checks & 255) == 0) {
            checkSlowly();
        }
    }

    private void checkSlowly() {
        if (Thread.currentThread() != owner) {
            throw misused();
        }
        if (depth > 0 && (clock.now() > deadline || overrun == calls)) {
            throw new BudgetExceeded(OVER_BUDGET);
        }
        // Outside a call (the core's own use), or a poke meant for a call that is over.
        simDeadline = depth > 0 ? deadline : Long.MAX_VALUE;
    }

    /**
     * A mechanism used on a thread that does not operate the machine now: nothing is done, the
     * caller gets an IllegalStateException, and the policy whose code made the call (the first
     * active policy found on the thread's stack) is failed on this machine.
     */
    private IllegalStateException misused() {
        Thread o = owner;
        String on = "'" + Thread.currentThread().getName() + "'";
        String reason = o != null && depth > 0
                ? "used its context from thread " + on + " during a call on thread '" + o.getName()
                        + "' (a context is valid only on the thread its call runs on)"
                : "used its context on thread " + on + " after the call had returned (a context is valid only"
                        + " during the call it was handed to)";
        post(Culprit.onStack(policies), reason, null);
        return new IllegalStateException(reason);
    }

    /** From another thread: the policy failed, as the machine's thread sees at its next usable() or takeFailures() at the latest. */
    private void post(Object policy, String reason, Thread interrupted) {
        if (policy != null) {
            posted.add(new Posted(policy, reason, interrupted));
            anyFailed = true;
        }
    }

    /** @return the number of the policy call in progress, or -1 (read by the watchdog, racily) */
    long callInProgress() {
        return depth > 0 ? calls : -1;
    }

    /**
     * The watchdog found call {@code n} past the wall-clock budget: the next mechanism it uses
     * refuses, and its thread is interrupted, in case it sleeps or waits.
     */
    void stop(long n) {
        synchronized (alarm) {
            Thread t = owner;
            if (t != null && callInProgress() == n) {
                overrun = n;
                simDeadline = POKED; // plain: the fence's fast paths read it without a barrier
                t.interrupt();
            }
        }
    }

    /**
     * The watchdog stopped call n, on thread t, in code of {@code culprit}: has the fence seen it?
     * A call whose return the JIT compiled together with its start (a policy that runs long
     * without calling anything, inlined into the fault path) may not read the watchdog's plain
     * write; then it is failed here, once the call is over.
     *
     * @return false while call n is still in progress, true once it is settled
     */
    boolean stopSettled(long n, Object culprit, Thread t) {
        synchronized (alarm) {
            if (overrun != n) {
                return true; // the fence took it
            }
            if (callInProgress() == n) {
                return false;
            }
            overrun = -1;
        }
        post(culprit, OVER_BUDGET, t);
        return true;
    }

    /**
     * @return true when the watchdog stopped the call in progress; then its interrupt is taken
     *         back from the machine's thread
     */
    private boolean overran() {
        if (overrun != calls) {
            return false;
        }
        synchronized (alarm) { // after the watchdog's interrupt, never before it
            overrun = -1;
            Thread.interrupted();
        }
        return true;
    }

    /** @return the thread operating the machine, or null (for the watchdog's report) */
    Thread owner() {
        return owner;
    }

    /** Records that a policy misbehaved; from now on it is not {@link #usable}. */
    public void failed(Object policy, String reason) {
        if (failed.add(policy)) {
            anyFailed = true;
            failures.add(new PolicyFailure(policy, reason));
            if (trace.on()) {
                trace.emit("thplab_policy_failed", "policy=" + policy.getClass().getName() + " reason=" + reason);
            }
        }
    }

    private void takePosted() {
        for (Posted p; (p = posted.poll()) != null;) {
            if (p.interrupted() == Thread.currentThread()) {
                Thread.interrupted(); // the watchdog's, for a call that is over
            }
            failed(p.policy(), p.reason());
        }
    }

    /** @return and clears the policies that failed since the last call */
    public List<PolicyFailure> takeFailures() {
        takePosted();
        if (failures.isEmpty()) {
            return List.of();
        }
        List<PolicyFailure> out = new ArrayList<>(failures);
        failures.clear();
        return out;
    }

    /** Forgets that a policy failed (the user selected it again). */
    public void forgive(Object policy) {
        takePosted();
        failed.remove(policy);
        anyFailed = !failed.isEmpty();
    }
}
