package org.thplab.mm.api;

import java.util.Map;

/**
 * What a range of frames holds ({@link MachineOps#frames(long, int)}), for a pixel of the memory
 * map: frames by state, anonymous frames by the processes that may map them (the processes of
 * their anon family, as the reverse map names them), pageblocks by migratetype.
 *
 * @param pfn          first frame
 * @param count        frames in the range
 * @param states       frames by {@link FrameState#label()}, states with none left out
 * @param owners       anonymous frames by owner: the names of the processes of their family, joined by ", "
 * @param migratetypes pageblocks the range touches, by migratetype name ({@code Unmovable}, {@code Movable})
 * @since 2.8
 */
public record FrameRange(long pfn, int count, Map<String, Long> states, Map<String, Long> owners,
        Map<String, Long> migratetypes) {
}
