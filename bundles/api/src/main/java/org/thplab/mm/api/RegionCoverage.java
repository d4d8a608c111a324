package org.thplab.mm.api;

/**
 * How a process's region is backed ({@link MachineOps#coverage(String, int)}): resident base
 * pages and huge pages, its reservations, and the same along its length in cells, each cell a
 * run of its 2 MiB extents.
 *
 * @param region       the region's name
 * @param start        its first address
 * @param size         its size in bytes
 * @param rssKb        resident anonymous memory (present PTEs and huge PMDs), in kB
 * @param anonHugeKb   memory mapped by huge PMDs, in kB
 * @param reservations THP reservations held in the region
 * @param huge         per cell, the percent of its pages mapped by huge PMDs
 * @param base         per cell, the percent of its pages mapped by present PTEs
 * @since 2.8
 */
public record RegionCoverage(String region, long start, long size, long rssKb, long anonHugeKb, int reservations,
        byte[] huge, byte[] base) {
}
