package org.thplab.mm.core.vma;

/**
 * A named mapping as the user made it with {@code mmap}, and the oracle of its content: the
 * token the process last wrote to each page (0 = never written, reads zeroes). The oracle is
 * kept apart from the machine's frames so that {@code verify} can prove the machine kept every
 * page's content through faults, CoW, splits, swap and migration.
 */
public final class Region {
    public final String name;
    public final long start;
    public final long size;
    /** Expected content per page, per 2 MiB chunk, created on the first write; sparse while few pages are written. */
    private final ContentTable[] expected;

    public Region(String name, long start, long size) {
        this.name = name;
        this.start = start;
        this.size = size;
        this.expected = new ContentTable[(int) ((size + (1 << 21) - 1) >>> 21)];
    }

    private Region(Region o) {
        this.name = o.name;
        this.start = o.start;
        this.size = o.size;
        this.expected = new ContentTable[o.expected.length];
        for (int i = 0; i < expected.length; i++) {
            if (o.expected[i] != null) {
                expected[i] = o.expected[i].copy();
            }
        }
    }

    /** @return a deep copy, for fork */
    public Region copy() {
        return new Region(this);
    }

    public long end() {
        return start + size;
    }

    /** Records that the process wrote {@code token} at {@code va}. */
    public void wrote(long va, int token) {
        long page = (va - start) >>> 12;
        int c = (int) (page >>> 9);
        ContentTable chunk = expected[c];
        if (chunk == null) {
            chunk = new ContentTable();
            expected[c] = chunk;
        }
        chunk.set((int) (page & 511), token);
    }

    /** @return what the process should read at {@code va} */
    public int expected(long va) {
        long page = (va - start) >>> 12;
        ContentTable chunk = expected[(int) (page >>> 9)];
        return chunk == null ? 0 : chunk.get((int) (page & 511));
    }

    /** Forgets [from, to): the pages were zapped (MADV_DONTNEED, munmap) and read zeroes again. */
    public void discard(long from, long to) {
        for (long va = from; va < to; ) {
            long page = (va - start) >>> 12;
            int c = (int) (page >>> 9);
            long chunkEnd = start + ((long) (c + 1) << 21);
            if ((page & 511) == 0 && to >= chunkEnd) {
                expected[c] = null; // the whole 2 MiB: drop its table at once
                va = chunkEnd;
                continue;
            }
            ContentTable chunk = expected[c];
            if (chunk != null) {
                chunk.set((int) (page & 511), 0);
            }
            va += 4096;
        }
    }
}
