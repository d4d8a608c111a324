package org.thplab.mm.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which policy is to blame when the fence cannot tell: for a mechanism used from another thread
 * or with a context kept past its call, the first active policy whose code is on the calling
 * thread's stack; for a call the watchdog stopped, the first in the machine thread's stack. Only
 * on those error paths; it walks a stack.
 */
final class Culprit {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final ClassLoader CORE = Culprit.class.getClassLoader();

    private Culprit() {
    }

    /** @return the active policy whose code is on the calling thread's stack, or null */
    static Object onStack(ActivePolicies p) {
        List<Object> active = active(p);
        return active.isEmpty() ? null : WALKER.walk(frames -> frames.map(f -> owner(f.getDeclaringClass(), active))
                .filter(Objects::nonNull).findFirst().orElse(null));
    }

    /**
     * @return the active policy whose code is in another thread's stack (by class name: the
     *         policy's class or its top-level class), or null
     */
    static Object inStack(ActivePolicies p, StackTraceElement[] stack) {
        List<Object> active = active(p);
        for (StackTraceElement e : stack) {
            for (Object a : active) {
                Class<?> c = a.getClass();
                if (e.getClassName().equals(c.getName()) || e.getClassName().equals(c.getNestHost().getName())) {
                    return a;
                }
            }
        }
        return null;
    }

    private static List<Object> active(ActivePolicies p) {
        List<Object> active = new ArrayList<>(p.promoters());
        active.add(0, p.allocation());
        active.add(1, p.fault());
        active.add(2, p.cow());
        active.add(3, p.reclaim());
        active.removeIf(Objects::isNull);
        return active;
    }

    /**
     * The policy a frame's class belongs to: the policy's class itself, a class nested in the same
     * top-level class (its lambdas, inner and anonymous classes), or, for a policy in a bundle of
     * its own, any class of that bundle.
     */
    private static Object owner(Class<?> frame, List<Object> active) {
        for (Object a : active) {
            Class<?> c = a.getClass();
            if (c == frame || c.getNestHost() == frame.getNestHost()) {
                return a;
            }
        }
        for (Object a : active) {
            ClassLoader l = a.getClass().getClassLoader();
            if (l != null && l != CORE && l == frame.getClassLoader()) {
                return a;
            }
        }
        return null;
    }
}
