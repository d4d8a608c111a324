package org.thplab.mm.plot;

/** Charts are drawn off-screen: AWT must not look for a display (java.awt.headless). */
final class Headless {
    private Headless() { }

    /**
     * Sets java.awt.headless=true unless it was set: AWT reads it once, when it first needs a
     * graphics environment, so this runs before any chart is built. A value set on purpose stays.
     */
    static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
