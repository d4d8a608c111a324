package org.thplab.mm.core.policy;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The wall-clock budget of policy calls: one daemon thread that looks at every machine's
 * {@link PolicyGuard} ten times a second. A call seen in progress for longer than
 * {@link PolicyGuard#POLICY_WALL_BUDGET}, garbage-collection pauses not counted, is stopped
 * ({@link PolicyGuard#stop}): the mechanisms it uses refuse from then on, and its thread is
 * interrupted, which ends a sleep, a wait or a join; when it returns it is failed as running past
 * its budget (by the fence, or here if the fence's read of the flag was stale:
 * {@link PolicyGuard#stopSettled}). A call that neither blocks nor uses a mechanism cannot be
 * ended from outside (the JVM has no safe way to stop a thread); after five budgets the watchdog
 * logs where it is, once.
 *
 * <p>It reads the guards' fields without synchronisation: the hot path pays nothing for it, and
 * a stale read only delays a verdict by a tick. Nothing it does changes a call that keeps within
 * the budget, so it never changes a deterministic run's results.
 *
 * <p>The thread starts with the first guard and ends once every guard it watches has been
 * collected.
 */
final class PolicyWatchdog {
    static final long PERIOD_MS = 100;
    private static final System.Logger LOG = System.getLogger(PolicyWatchdog.class.getName());
    /** Guarded by itself. */
    private static final List<Watched> WATCHED = new ArrayList<>();
    private static Thread thread;

    private PolicyWatchdog() {
    }

    static void watch(PolicyGuard g) {
        synchronized (WATCHED) {
            WATCHED.add(new Watched(g));
            if (thread == null) {
                thread = new Thread(PolicyWatchdog::run, "thplab-policy-watchdog");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                // not interrupted by anyone; look again
            }
            try {
                if (!lookAtAll()) {
                    return;
                }
            } catch (OutOfMemoryError e) {
                // a policy has the heap (it is contained on its own thread): look again next tick
            }
        }
    }

    /** @return false when there is nothing left to watch (the thread ends) */
    private static boolean lookAtAll() {
        Watched[] now;
        synchronized (WATCHED) {
            WATCHED.removeIf(w -> w.guard.get() == null);
            if (WATCHED.isEmpty()) {
                thread = null;
                return false;
            }
            now = WATCHED.toArray(new Watched[0]);
        }
        long t = System.nanoTime();
        long gc = gcMillis();
        for (Watched w : now) {
            w.look(t, gc);
        }
        return true;
    }

    /** @return the total time the collectors have paused the application so far, in ms */
    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, b.getCollectionTime());
        }
        return ms;
    }

    /** One guard and what the watchdog saw of it last. */
    private static final class Watched {
        final WeakReference<PolicyGuard> guard;
        /** The call in progress when last seen (-1: none), since when, and the collectors' time then. */
        long call = -1;
        long since;
        long gcSince;
        /** The call stopped and not yet settled (-1: none), the policy in whose code it was, and its thread. */
        long stopped = -1;
        Object culprit;
        Thread stoppedOn;
        boolean reported;

        Watched(PolicyGuard g) {
            guard = new WeakReference<>(g);
        }

        void look(long now, long gc) {
            PolicyGuard g = guard.get();
            if (g == null) {
                return;
            }
            if (stopped >= 0 && g.stopSettled(stopped, culprit, stoppedOn)) {
                stopped = -1;
                culprit = null;
                stoppedOn = null;
            }
            long n = g.callInProgress();
            if (n != call) {
                call = n;
                since = now;
                gcSince = gc;
                reported = false;
                return;
            }
            if (n < 0) {
                return;
            }
            long ran = now - since - (gc - gcSince) * 1_000_000L;
            if (stopped != n && ran > PolicyGuard.POLICY_WALL_BUDGET) {
                Thread t = g.owner();
                culprit = t == null ? null : Culprit.inStack(g.policies(), t.getStackTrace());
                stoppedOn = t;
                stopped = n;
                g.stop(n);
            } else if (stopped == n && !reported && ran > 5 * PolicyGuard.POLICY_WALL_BUDGET) {
                reported = true;
                Thread t = stoppedOn;
                String where = t == null ? "" : " on thread '" + t.getName() + "', at "
                        + Arrays.stream(t.getStackTrace()).limit(4).map(String::valueOf).collect(Collectors.joining(" < "));
                LOG.log(System.Logger.Level.WARNING, "a call of policy " + (culprit == null ? "?" : culprit.getClass().getName())
                        + " has run for " + ran / 1_000_000_000L + " s" + where + ": it was interrupted and does not return;"
                        + " it neither blocks nor uses a mechanism, so it cannot be stopped, and its machine waits for it"
                        + " (docs/reliability.md)");
            }
        }
    }
}
