package dev.saesplit.lm.pth;

import java.io.ByteArrayInputStream;

/**
 * A pickle held in memory, read as a stream by the unpickler, whose upcoming bytes {@link PickleGuard} can look
 * at without consuming them: a length prefix is compared with the bytes actually left before anything is
 * allocated for it.
 */
final class PickleBytes extends ByteArrayInputStream {

    PickleBytes(byte[] pickle) {
        super(pickle);
    }

    /** Bytes not yet read. */
    long remaining() {
        return count - pos;
    }

    /** The index of the next byte to read. */
    long position() {
        return pos;
    }

    /** The {@code width}-byte little-endian integer at the read position (signed, as pickle's 4-byte ones are). */
    long peekLittleEndian(int width) {
        if (count - pos < width) {
            return -1;
        }
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            value = value << 8 | (buf[pos + i] & 0xFF);
        }
        return width == 4 ? (int) value : value;
    }

    /** Bytes before the next newline, looking at most {@code limit} bytes ahead; -1 if there is none so close. */
    int lineLength(int limit) {
        int end = Math.min(count, pos + limit);
        for (int i = pos; i < end; i++) {
            if (buf[i] == '\n') {
                return i - pos;
            }
        }
        return -1;
    }
}
