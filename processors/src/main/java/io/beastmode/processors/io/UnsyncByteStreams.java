package io.beastmode.processors.io;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * In-memory byte streams without locks, for the state and wire codecs. {@code ByteArrayOutputStream.write(int)} and
 * {@code ByteArrayInputStream.read()} are synchronized, and a {@code DataOutputStream} writing varints calls them once
 * per byte: in a profile of {@code beast bench throughput} that lock was the single hottest frame of the stream
 * thread. These are confined to one thread, like every codec call.
 */
public final class UnsyncByteStreams {

    private UnsyncByteStreams() {
    }

    /** A growing byte array. */
    public static final class Output extends OutputStream {
        private byte[] buf;
        private int count;

        public Output(int initialCapacity) {
            buf = new byte[Math.max(16, initialCapacity)];
        }

        @Override
        public void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > buf.length - count) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        public int size() {
            return count;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    /** Reads a byte array (or a part of one). */
    public static final class Input extends InputStream {
        private final byte[] buf;
        private int pos;
        private final int end;

        public Input(byte[] buf) {
            this(buf, 0, buf.length);
        }

        public Input(byte[] buf, int offset, int length) {
            this.buf = buf;
            this.pos = offset;
            this.end = offset + length;
        }

        @Override
        public int read() {
            return pos < end ? buf[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= end) {
                return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long k = Math.max(0, Math.min(n, end - pos));
            pos += (int) k;
            return k;
        }

        @Override
        public int available() {
            return end - pos;
        }
    }
}
