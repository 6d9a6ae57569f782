package dev.saesplit.lm.pth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated {@code torch.save} archives whose pickle or views attack the reader: each is a
 * {@link TorchCheckpointException} naming the file, with a short message, within 20 s and well under 512 MB of
 * allocation, where the reader once hung, ran out of memory or threw a raw index error.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostilePthFilesTest {

    /** What one hostile case may allocate on the reading thread. */
    private static final long MAX_ALLOCATED_BYTES = 512L << 20;

    @TempDir
    Path dir;

    @Test
    void aListBuiltFromItselfAsADictKeyIsRefusedAsUnhashable() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 2, '}').selfDoublingList(40).op('N', 's', '.');

        String message = refused(pickle, new byte[0]);

        assertTrue(message.contains("unhashable"), message);
    }

    @Test
    void aSetOfListsIsRefusedAsUnhashable() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 4, 0x8f, '(').selfDoublingList(40).op(0x90, '.');

        assertTrue(refused(pickle, new byte[0]).contains("unhashable"));
    }

    @Test
    void anIntegerOfAMillionDigitsIsRefused() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 2, 'L').text("7".repeat(1_000_000) + "L\n").op('.');

        assertTrue(refused(pickle, new byte[0]).contains("digits"));
    }

    @Test
    void aLengthPrefixOfTwoGibibytesIsCheckedAgainstTheBytesPresent() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 2, 'X').int32(Integer.MAX_VALUE).text("tiny").op('.');

        assertTrue(refused(pickle, new byte[0]).contains("only 5 follow"));
    }

    @Test
    void aNegativeLengthPrefixIsAClearError() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 2, 'X').int32(-1).op('.');

        refused(pickle, new byte[0]);
    }

    @Test
    void aFewKilobytesOfDeflatedOpcodesCannotBuildGigabytesOfContainers() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 2, ']').repeat("}a", 15_000_000).op('.');

        assertTrue(refused(pickle, new byte[0]).contains("opcodes"));
    }

    @Test
    void theLibrarysOwnConstructorsAreNeverCalled() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 2).global("builtins", "bytearray")
                .binint(Integer.MAX_VALUE).op(0x85, 'R', '.');

        assertTrue(refused(pickle, new byte[0]).contains("never needs"));
    }

    @Test
    void aMessageAboutAHostileStructureIsShort() throws IOException {
        PickleWriter pickle = new PickleWriter().op(0x80, 2).global("torch._utils", "_rebuild_tensor_v2")
                .selfDoublingList(40).op(0x85, 'R', '.');

        assertTrue(refused(pickle, new byte[0]).length() < 1000);
    }

    @Test
    void truncatedAndMalformedPicklesNameTheFileInsteadOfThrowingRawErrors() throws IOException {
        byte[] whole = stateDict(new int[] {2}, new int[] {1}).toBytes();
        refused(new PickleWriter().bytes(Arrays.copyOf(whole, whole.length / 2)), floats(2));
        refused(new PickleWriter().op(0x80, 2, 's', '.'), new byte[0]);
        refused(new PickleWriter().op(0x80, 2, 'I').text("12x\n").op('.'), new byte[0]);
        refused(new PickleWriter().op(0x80, 2, 'h', 7, '.'), new byte[0]);
    }

    @Test
    void aViewWithStrideZeroCannotMultiplyOneStoredFloatIntoAGibibyte() throws IOException {
        Path file = stateDict(new int[] {1 << 28}, new int[] {0}).archive(dir.resolve("broadcast.pth"), floats(1));

        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(file)) {
            String message = withinBounds(file, () -> checkpoint.read("w"));
            assertTrue(message.contains("larger than its storage"), message);
        }
    }

    @Test
    void aPipeNamedAsWeightsIsRefusedInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("model.pth");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        String message = withinBounds(fifo, () -> TorchCheckpoint.open(fifo).close());

        assertTrue(message.contains("not a regular file"), message);
    }

    @Test
    void anOrdinaryGeneratedStateDictStillReads() throws IOException {
        Path file = stateDict(new int[] {2}, new int[] {1}).archive(dir.resolve("fine.pth"), floats(2));

        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(file)) {
            assertArrayEquals(new float[] {1, 2}, checkpoint.read("w"));
        }
    }

    /** {@code {'w': tensor}} over storage '0'. */
    private static PickleWriter stateDict(int[] size, int[] stride) {
        return new PickleWriter().op(0x80, 2, '}').string("w").tensor(2, 0, size, stride).op('s', '.');
    }

    private static byte[] floats(int count) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 1; i <= count; i++) {
            buffer.putFloat(i);
        }
        return buffer.array();
    }

    /** Opens the archive of {@code pickle}, which must fail cleanly; returns the message. */
    private String refused(PickleWriter pickle, byte[] storage) throws IOException {
        Path file = pickle.archive(Files.createTempFile(dir, "hostile", ".pth"), storage);
        String message = withinBounds(file, () -> TorchCheckpoint.open(file).close());
        assertTrue(message.contains("data.pkl"), message);
        return message;
    }

    /** Runs {@code read}, which must throw a TorchCheckpointException naming {@code file}, allocating little. */
    private static String withinBounds(Path file, Runnable read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        TorchCheckpointException e = assertThrows(TorchCheckpointException.class, read::run);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(file, e.file());
        assertTrue(allocated < MAX_ALLOCATED_BYTES, "allocated " + allocated + " bytes");
        assertTrue(e.getMessage().length() < 1000, "a short message: " + e.getMessage().length() + " characters");
        return e.getMessage();
    }
}
