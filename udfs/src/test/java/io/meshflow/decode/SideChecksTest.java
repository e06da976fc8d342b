package io.meshflow.decode;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What every input format checks of a side before it counts. */
class SideChecksTest {

    @Test
    void aStartFurtherAheadOfTheClockThanAllowedIsAFutureStartTime() {
        SideChecks checks = new SideChecks(Duration.ofMinutes(15));
        long now = 1_767_261_600_000L;

        assertThat(checks.startTimeProblem(now + Duration.ofMinutes(15).toMillis(), now)).isNull();
        assertThat(checks.startTimeProblem(now - Duration.ofDays(30).toMillis(), now)).isNull();
        assertThat(checks.startTimeProblem(now + Duration.ofMinutes(15).toMillis() + 1, now))
                .isEqualTo(SideChecks.FUTURE_START_TIME);
        assertThat(checks.startTimeProblem(Long.MAX_VALUE, now))
                .isEqualTo(SideChecks.FUTURE_START_TIME);
        // a timestamp in microseconds by mistake
        assertThat(checks.startTimeProblem(now * 1000, now))
                .isEqualTo(SideChecks.FUTURE_START_TIME);
    }

    @Test
    void aNameHoldingUPlus0000IsInvalid() {
        assertThat(SideChecks.validName("checkout")).isTrue();
        assertThat(SideChecks.validName("")).isTrue();
        assertThat(SideChecks.validName("check\u0000out")).isFalse();
    }

    @Test
    void namesUpTo512BytesAreStoredVerbatim() {
        String ascii = "a".repeat(512);
        assertThat(SideChecks.stored(ascii)).isSameAs(ascii);
        String short3 = "€".repeat(170); // 510 bytes
        assertThat(SideChecks.stored(short3)).isSameAs(short3);
    }

    @Test
    void longerNamesAreCutAtTheLastWholeCharacterWithin512Bytes() {
        assertCut("a".repeat(600), "a".repeat(512));
        assertCut("é".repeat(300), "é".repeat(256)); // 2 bytes each
        assertCut("€".repeat(200), "€".repeat(170)); // 3 bytes each: 510, the next would be 513
        assertCut("😀".repeat(130), "😀".repeat(128)); // 4 bytes, two UTF-16 units each
        // a character straddling byte 512 goes whole
        assertCut("a".repeat(511) + "€" + "b", "a".repeat(511));
        assertCut("a".repeat(510) + "😀", "a".repeat(510));
    }

    private static void assertCut(String name, String expected) {
        String stored = SideChecks.stored(name);
        assertThat(stored).isEqualTo(expected);
        assertThat(stored.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
        // no half of a surrogate pair is left at the end
        assertThat(Character.isHighSurrogate(stored.charAt(stored.length() - 1))).isFalse();
    }
}
