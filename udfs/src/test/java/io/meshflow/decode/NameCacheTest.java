package io.meshflow.decode;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NameCache}: the same name read twice is one String; every name reads back as written. */
class NameCacheTest {

    @Test
    void aNameReadAgainIsTheSameStringAndEveryNameReadsBackWhole() throws IOException {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) { // more names than the table holds: slots get replaced
            written.add("service-" + i);
        }
        written.add("gränssnitt/服务");
        written.add("x".repeat(2000)); // longer than any name: read as it is
        written.add("");
        NameCache cache = new NameCache();

        List<String> first = readAll(cache, written);
        List<String> second = readAll(cache, written);

        assertThat(first).containsExactlyElementsOf(written);
        assertThat(second).containsExactlyElementsOf(written);
        String reviews = readAll(cache, List.of("reviews")).get(0);
        assertThat(readAll(cache, List.of("reviews")).get(0)).isSameAs(reviews);
    }

    private static List<String> readAll(NameCache cache, List<String> names) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (String name : names) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        List<String> read = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            read.add(cache.read(in));
        }
        return read;
    }
}
