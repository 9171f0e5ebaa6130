package io.beastmode.processors.io;

import java.io.InputStream;

/**
 * In-memory byte input without locks, for the state and wire codecs. {@code ByteArrayInputStream.read()} is
 * synchronized, and a {@code DataInputStream} reading varints calls it once per byte: in a profile of
 * {@code beast bench throughput} that lock (and its twin in {@code ByteArrayOutputStream}) was the single hottest
 * frame of the stream thread. Confined to one thread, like every codec call; writing goes through
 * {@link ByteArrayDataOutput}.
 */
public final class UnsyncByteStreams {

    private UnsyncByteStreams() {
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
