package io.meshflow.decode;

import org.apache.flink.core.memory.DataInputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The names of a mesh as they come off the pairing shuffle: one String per distinct name rather
 * than a new one per side. A mesh has few names (services, instances, endpoints, TLS modes) against
 * millions of sides: reading them through a small table saves two allocations per name, keeps a
 * name's hash code computed once (the pairing key hashes two of them for every side, the state map
 * compares them), and lets the sides that wait in state share their names.
 *
 * <p>A direct-mapped table keyed by the UTF-8 bytes: a name that collides with another simply
 * replaces it, so the table holds at most {@link #SIZE} names whatever the input. One per thread
 * ({@link #forThisThread()}): the serializer is shared by every task of the JVM.
 */
final class NameCache {
    private static final int SIZE = 4096;

    /** Names longer than this are read as they are: a name is at most 512 bytes (SPEC 2). */
    private static final int LONGEST = 1024;

    private static final ThreadLocal<NameCache> CACHES = ThreadLocal.withInitial(NameCache::new);

    private final byte[][] bytes = new byte[SIZE][];
    private final String[] names = new String[SIZE];
    private final byte[] scratch = new byte[LONGEST];

    static NameCache forThisThread() {
        return CACHES.get();
    }

    /** Reads a length-prefixed UTF-8 string, as {@link SideSerializer} writes it. */
    String read(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length == 0) {
            return "";
        }
        if (length > LONGEST) {
            byte[] utf8 = new byte[length];
            in.readFully(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }
        in.readFully(scratch, 0, length);
        int hash = length;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + scratch[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
        byte[] known = bytes[slot];
        if (known != null
                && known.length == length
                && Arrays.equals(known, 0, length, scratch, 0, length)) {
            return names[slot];
        }
        byte[] utf8 = Arrays.copyOf(scratch, length);
        String name = new String(utf8, StandardCharsets.UTF_8);
        bytes[slot] = utf8;
        names[slot] = name;
        return name;
    }
}
