package io.beastmode.processors.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteArrayDataOutputTest {

    /** State written through DataOutputStream before must read back the same, so the bytes must be identical. */
    @Test
    void writesExactlyTheBytesOfADataOutputStream() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            long seed = random.nextLong();
            ByteArrayOutputStream expectedBytes = new ByteArrayOutputStream();
            DataOutputStream expected = new DataOutputStream(expectedBytes);
            ByteArrayDataOutput actual = new ByteArrayDataOutput(1);
            writeRandomly(expected, new Random(seed));
            writeRandomly(actual, new Random(seed));
            expected.flush();
            assertThat(actual.toByteArray()).as("round %d", round).isEqualTo(expectedBytes.toByteArray());
            assertThat(actual.size()).isEqualTo(expectedBytes.size());
        }
    }

    private static void writeRandomly(DataOutput out, Random r) throws IOException {
        for (int i = 0; i < 60; i++) {
            switch (r.nextInt(14)) {
                case 0 -> out.write(r.nextInt());
                case 1 -> out.write(bytes(r));
                case 2 -> {
                    byte[] b = bytes(r);
                    int off = b.length == 0 ? 0 : r.nextInt(b.length);
                    out.write(b, off, r.nextInt(b.length - off + 1));
                }
                case 3 -> out.writeBoolean(r.nextBoolean());
                case 4 -> out.writeByte(r.nextInt());
                case 5 -> out.writeShort(r.nextInt());
                case 6 -> out.writeChar(r.nextInt());
                case 7 -> out.writeInt(r.nextInt());
                case 8 -> out.writeLong(r.nextLong());
                case 9 -> out.writeFloat(r.nextBoolean() ? Float.NaN : (float) r.nextGaussian());
                case 10 -> out.writeDouble(r.nextBoolean() ? -0.0 : r.nextGaussian() * 1e6);
                case 11 -> out.writeBytes(string(r));
                case 12 -> out.writeChars(string(r));
                default -> out.writeUTF(string(r));
            }
        }
    }

    private static byte[] bytes(Random r) {
        byte[] b = new byte[r.nextInt(40)];
        r.nextBytes(b);
        return b;
    }

    /** ASCII, NUL, two-byte and three-byte chars, and lone and paired surrogates. */
    private static String string(Random r) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(30);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 -> s.append('\u0000');
                case 1 -> s.append((char) (0x80 + r.nextInt(0x780)));
                case 2 -> s.append((char) (0x800 + r.nextInt(0xF000)));
                case 3 -> s.appendCodePoint(0x10000 + r.nextInt(0xFFFFF));
                default -> s.append((char) (1 + r.nextInt(0x7F)));
            }
        }
        return s.toString();
    }

    @Test
    void refusesAStringLongerThan65535EncodedBytesLikeDataOutputStream() {
        String tooLong = "\u0800".repeat(21_846); // 3 bytes each: 65,538 bytes
        assertThatThrownBy(() -> new DataOutputStream(new ByteArrayOutputStream()).writeUTF(tooLong))
                .isInstanceOf(UTFDataFormatException.class);
        ByteArrayDataOutput out = new ByteArrayDataOutput(16);
        assertThatThrownBy(() -> out.writeUTF(tooLong)).isInstanceOf(UTFDataFormatException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void theLongestStringThatFitsIsWritten() throws IOException {
        String longest = "a".repeat(65_535);
        ByteArrayDataOutput out = new ByteArrayDataOutput(16);
        out.writeUTF(longest);
        assertThat(out.size()).isEqualTo(65_537);
    }
}
