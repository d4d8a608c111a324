package org.thplab.mm.api;

/**
 * What a machine was booted with.
 *
 * @param bytes     physical memory
 * @param swapBytes the swap device (0: none)
 * @param seed      the seed of the machine's random choices
 * @since 2.0
 */
public record BootParameters(long bytes, long swapBytes, long seed) {
}
