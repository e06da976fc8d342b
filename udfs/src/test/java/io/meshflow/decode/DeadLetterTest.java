package io.meshflow.decode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Dead-letter ids name the input: its place and its bytes. */
class DeadLetterTest {

    @Test
    void theSameBytesAtTheSamePlaceHaveTheSameIdAndOtherBytesAnother() {
        DeadLetter read =
                new DeadLetter("/data/f.pb@120#2", 1L, "/data/f.pb@120", "x", bytes(1, 2));
        DeadLetter replayed =
                new DeadLetter("/data/f.pb@120#2", 9L, "/data/f.pb@120", "x", bytes(1, 2));
        DeadLetter rotated =
                new DeadLetter("/data/f.pb@120#2", 9L, "/data/f.pb@120", "x", bytes(1, 3));

        assertThat(replayed.id).isEqualTo(read.id).startsWith("/data/f.pb@120#2~").hasSize(17 + 8);
        assertThat(rotated.id).isNotEqualTo(read.id);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
