package org.thplab.mm.shell;

/**
 * What the shell and the script runner say of a failure that is not a misuse: the JVM out of
 * memory or stack, or a bug in thplab. One line, in thplab's words; the Java class is named
 * only where nothing else says what happened.
 */
final class Failures {
    private Failures() {
    }

    /** One line saying what happened and what to do about it. */
    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            String m = e.getMessage();
            return "out of memory: the JVM's heap is too small for this" + (m == null || m.isBlank() ? "" : " (" + m + ")")
                    + "; give it more with THPLAB_JAVA_OPTS=-Xmx<size>, or boot a smaller machine";
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow: a recursion deeper than the JVM's thread stack; give it more with THPLAB_JAVA_OPTS=-Xss<size>";
        }
        String m = e.getMessage();
        String what = m == null || m.isBlank() ? e.getClass().getSimpleName() : m + " (" + e.getClass().getSimpleName() + ")";
        return "internal error: " + what + "; this is a bug in thplab";
    }
}
