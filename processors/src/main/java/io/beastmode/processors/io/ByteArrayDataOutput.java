package io.beastmode.processors.io;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.util.Arrays;

/**
 * A {@link DataOutput} straight into a growing byte array, writing exactly the bytes a {@code DataOutputStream}
 * writes (big-endian numbers, modified UTF-8 strings), so state written before it reads back unchanged.
 *
 * <p>Why not a {@code DataOutputStream} over an unsynchronised byte stream (used before): the state codecs write
 * mostly varints, one byte at a time, and each byte went through two virtual calls ({@code
 * DataOutputStream.writeByte}, then the stream's {@code write(int)}). In a profile of {@code beast bench throughput} those frames together were about 6% of
 * the stream thread. Final and confined to one thread, like every codec call.
 */
public final class ByteArrayDataOutput implements DataOutput {

    private byte[] buf;
    private int count;

    public ByteArrayDataOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (more > buf.length - count) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        buf[count++] = (byte) (v >>> 8);
        buf[count++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        buf[count++] = (byte) (v >>> 24);
        buf[count++] = (byte) (v >>> 16);
        buf[count++] = (byte) (v >>> 8);
        buf[count++] = (byte) v;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[count++] = (byte) (v >>> shift);
        }
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    /** The low byte of each char, as {@code DataOutputStream.writeBytes}. */
    @Override
    public void writeBytes(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[count++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        int n = s.length();
        ensure(2 * n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            buf[count++] = (byte) (c >>> 8);
            buf[count++] = (byte) c;
        }
    }

    /**
     * Modified UTF-8 with an unsigned 16-bit length, as {@code DataOutputStream.writeUTF}: {@code \u0000} and chars
     * from {@code \u0080} to {@code \u07FF} take two bytes, other chars above {@code \u007F} three (surrogates each on
     * their own), and strings longer than 65535 encoded bytes are refused.
     */
    @Override
    public void writeUTF(String s) throws UTFDataFormatException {
        int n = s.length();
        int encoded = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == 0) {
                encoded += c >= 0x800 ? 2 : 1;
            }
        }
        if (encoded > 0xFFFF) {
            throw new UTFDataFormatException("encoded string too long: " + encoded + " bytes");
        }
        ensure(2 + encoded);
        buf[count++] = (byte) (encoded >>> 8);
        buf[count++] = (byte) encoded;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80 && c != 0) {
                buf[count++] = (byte) c;
            } else if (c < 0x800) {
                buf[count++] = (byte) (0xC0 | (c >> 6));
                buf[count++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[count++] = (byte) (0xE0 | (c >> 12));
                buf[count++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[count++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    public int size() {
        return count;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }
}
