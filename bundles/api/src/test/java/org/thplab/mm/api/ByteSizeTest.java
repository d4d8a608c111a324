package org.thplab.mm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void bytesAndBinarySuffixesInEitherCase() {
        assertEquals(4096, ByteSize.parse("4096"));
        assertEquals(4096, ByteSize.parse("4k"));
        assertEquals(4096, ByteSize.parse("4K"));
        assertEquals(64L << 20, ByteSize.parse("64M"));
        assertEquals(1L << 30, ByteSize.parse("1g"));
        assertEquals(256L << 40, ByteSize.parse("256T"));
        assertEquals(0, ByteSize.parse("0"));
        assertEquals(0, ByteSize.parse("0G"));
        assertEquals(Long.MAX_VALUE, ByteSize.parse("9223372036854775807"));
    }

    @Test
    void anythingElseIsNotASize() {
        for (String bad : new String[] {null, "", "G", "12Q", "two", "-5", "-5G", "+5", " 5", "5 ", "1.5G", "0x10", "4KB", "4P",
            "9223372036854775808", "8388608T", "99999999999999999999G"}) {
            assertEquals(-1, ByteSize.parse(bad), String.valueOf(bad));
        }
        assertEquals(8388607L << 40, ByteSize.parse("8388607T"), "the largest T that fits");
    }

    @Test
    void formatReadsBackAsTheSameBytes() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            long b = r.nextLong(1L << (r.nextInt(62) + 1)) << r.nextInt(12);
            if (b >= 0) {
                assertEquals(b, ByteSize.parse(ByteSize.format(b)), ByteSize.format(b));
            }
        }
        assertEquals("4G", ByteSize.format(4L << 30));
        assertEquals("1536M", ByteSize.format(1536L << 20));
        assertEquals("4097", ByteSize.format(4097));
        assertEquals("0", ByteSize.format(0));
    }
}
