package org.thplab.mm.api;

/**
 * A picture of physical memory at one instant ({@link MachineOps#memoryMap(int)}): the frames in
 * order, {@code framesPerPixel} to a pixel, each pixel the {@link FrameState} that most of its
 * frames are in (a tie goes to the state listed first), one byte each.
 *
 * @param now            simulated time of the picture, in ns
 * @param frames         frames of the machine
 * @param framesPerPixel frames summarised by one pixel, a power of two
 * @param pixels         one {@link FrameState} ordinal per pixel, {@code ceil(frames / framesPerPixel)} of them
 * @param migratetypes   the migratetype of each pageblock (512 frames): 0 unmovable, 1 movable
 * @param counts         frames in each state, by ordinal, over the whole machine
 * @since 2.8
 */
public record MemoryMap(long now, long frames, int framesPerPixel, byte[] pixels, byte[] migratetypes, long[] counts) {
    /** @return frames in that state over the whole machine */
    public long count(FrameState s) {
        return counts[s.ordinal()];
    }

    /** @return frames of PMD-sized THPs, however mapped */
    public long thpFrames() {
        return count(FrameState.THP_PMD) + count(FrameState.THP_PTE) + count(FrameState.THP_PARTIAL);
    }
}
