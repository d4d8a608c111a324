package org.thplab.mm.core.runtime;

import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.SimulatedMachine.Watch;

/**
 * The watchers of one named machine ({@code SimulatedMachine.watch}): each runs holding the
 * machine's lock, when its interval of wall time has passed, on whichever thread gets there first:
 * a workload's between two steps ({@link #due()}), or the watcher's own in {@link Watch#poll()}.
 * A foreground run holds the lock from its first step to its last, so without the first a
 * watcher would see nothing of it.
 */
final class Watchers {
    private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);

    private final Object lock;
    private final CopyOnWriteArrayList<W> all = new CopyOnWriteArrayList<>();

    Watchers(Object lock) {
        this.lock = lock;
    }

    Watch add(long intervalMillis, Runnable watcher) {
        if (intervalMillis < 1) {
            throw new MmUsageException("watch: the interval must be at least 1 ms, not " + intervalMillis);
        }
        W w = new W(intervalMillis * 1_000_000L, watcher);
        all.add(w);
        return w;
    }

    /** Runs the watchers that are due; the caller holds the lock (between two steps of a workload). */
    void due() {
        if (all.isEmpty()) {
            return; // the common case: one volatile read per step
        }
        long now = System.nanoTime();
        for (W w : all) {
            w.runIfDue(now);
        }
    }

    private final class W implements Watch {
        private final long interval;
        private final Runnable watcher;
        /** Guarded by the machine's lock. */
        private long last = Long.MIN_VALUE / 2;
        private volatile long cost;
        private volatile boolean closed;

        W(long interval, Runnable watcher) {
            this.interval = interval;
            this.watcher = watcher;
        }

        void runIfDue(long now) {
            if (closed || now - last < interval) {
                return;
            }
            last = now;
            try {
                watcher.run();
            } catch (RuntimeException e) {
                LOG.warn("a watcher of the machine failed", e);
            }
            cost = System.nanoTime() - now;
        }

        @Override
        public void poll() {
            synchronized (lock) {
                runIfDue(System.nanoTime());
            }
        }

        @Override
        public long lastCostNanos() {
            return cost;
        }

        @Override
        public void close() {
            closed = true;
            all.remove(this);
        }
    }
}
