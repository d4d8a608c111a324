package org.thplab.mm.sweep;

import java.util.List;
import org.thplab.mm.api.SimulatedMachine;

/**
 * Runs a script cell's lines on its machine. Scripts are the shell's language, so the caller
 * supplies this (the shell runs them through its commands, pinned to the cell's machine); the
 * sweep package itself knows the api only.
 */
@FunctionalInterface
public interface ScriptExecutor {
    /**
     * Runs the lines, as {@code ./thplab FILE} would, on {@code machine} only.
     *
     * @param file  the script's name, for messages
     * @return the transcript
     * @throws IllegalArgumentException at the first misused line, its message {@code FILE:LINE: message}
     */
    String run(SimulatedMachine machine, String file, List<String> lines);

    /** For a caller that has no shell: every script cell fails, saying so. */
    ScriptExecutor NONE = (machine, file, lines) -> {
        throw new IllegalArgumentException(file + ": scripts need the shell, which this caller did not give the sweep");
    };
}
