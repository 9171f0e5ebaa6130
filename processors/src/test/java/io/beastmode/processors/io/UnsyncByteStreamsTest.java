package io.beastmode.processors.io;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnsyncByteStreamsTest {

    @Test
    void whatTheOutputGrowsToTheInputReadsBackAndThenEnds() throws Exception {
        ByteArrayDataOutput out = new ByteArrayDataOutput(1);
        for (int i = 0; i < 1000; i++) {
            out.writeByte(i);
        }
        out.writeLong(-42L);
        out.write(new byte[] {7, 8, 9}, 1, 2);
        out.writeUTF("välue");
        assertThat(out.size()).isEqualTo(1000 + 8 + 2 + 2 + 6);

        byte[] written = out.toByteArray();
        DataInputStream in = new DataInputStream(new UnsyncByteStreams.Input(written));
        for (int i = 0; i < 1000; i++) {
            assertThat(in.readByte()).isEqualTo((byte) i);
        }
        assertThat(in.readLong()).isEqualTo(-42L);
        assertThat(in.readByte()).isEqualTo((byte) 8);
        assertThat(in.readByte()).isEqualTo((byte) 9);
        assertThat(in.readUTF()).isEqualTo("välue");
        assertThat(in.available()).isZero();
        assertThat(in.read()).isEqualTo(-1);
        assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class);
    }

    @Test
    void anInputOverPartOfAnArrayStopsAtItsEnd() throws Exception {
        byte[] data = {1, 2, 3, 4, 5, 6};
        UnsyncByteStreams.Input in = new UnsyncByteStreams.Input(data, 2, 3);
        assertThat(in.available()).isEqualTo(3);
        assertThat(in.read()).isEqualTo(3);
        byte[] rest = new byte[4];
        assertThat(in.read(rest, 0, 4)).isEqualTo(2);
        assertThat(rest).startsWith(4, 5);
        assertThat(in.read(rest, 0, 4)).isEqualTo(-1);
        assertThat(new UnsyncByteStreams.Input(data, 0, 6).skip(10)).isEqualTo(6);
    }
}
