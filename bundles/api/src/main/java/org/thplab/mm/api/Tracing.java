package org.thplab.mm.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The tracepoints of one machine. Recording is a setting of the machine, kept when it is booted
 * again; the recorded lines are the machine's own.
 *
 * @since 2.0
 */
@ProviderType
public interface Tracing {
    /** Turns tracepoint recording on or off. */
    void trace(boolean on);

    /** @return and clears the recorded tracepoint lines */
    List<String> traceDump();
}
