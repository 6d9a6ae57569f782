package dev.saesplit.data.npy;

import dev.saesplit.data.ActivationFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.saesplit.data.npy.NpyTestFiles.dict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Headers written to break the reader: each is a clean {@link ActivationFormatException} naming the file. */
@Timeout(10)
class HostileNpyHeaderTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"(4611686018427387904, 4)", "(4294967296, 4294967296)", "(9223372036854775807, 2)"})
    void aShapeWhoseByteCountOverflowsIsRejected(String shape) throws IOException {
        Path file = NpyTestFiles.write(dir.resolve("huge.npy"), 1, dict("<f4", false, shape), new byte[16]);

        String problem = rejected(file);

        assertTrue(problem.contains("more than 2^63 bytes"), problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(18446744073709551620, 4)", "('2', 4)", "(2.9, 4)", "(-2, 4)", "(0x2, 4)"})
    void aDimensionThatIsNotAWholeNumberInRangeIsRejected(String shape) throws IOException {
        Path file = NpyTestFiles.write(dir.resolve("odd.npy"), 1, dict("<f4", false, shape), new byte[32]);

        assertTrue(rejected(file).contains("bad shape dimension"), shape);
    }

    @Test
    void aHeaderClaimingTwoGibibytesIsRefusedBeforeAllocating() throws IOException {
        ByteBuffer preamble = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        preamble.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(Integer.MAX_VALUE);
        Path file = Files.write(dir.resolve("claims.npy"), preamble.array());

        String problem = rejected(file);

        assertTrue(problem.contains("declares a header of 2147483647 bytes"), problem);
    }

    @Test
    void aHeaderMissingAKeyIsNotEchoedBack() throws IOException {
        String filler = "pw-5f3e1c " + "x".repeat(60_000);
        Path file = NpyTestFiles.write(dir.resolve("noise.npy"), 2, "{'note': '" + filler + "'}", new byte[0]);

        String problem = rejected(file);

        assertTrue(problem.contains("header has no 'descr'"), problem);
        assertTrue(problem.length() < 300 && !problem.contains("pw-5f3e1c"), problem);
    }

    @Test
    void aPipeIsRefusedInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("pipe.npy");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        assertTrue(rejected(fifo).contains("not a regular file"));
    }

    private static String rejected(Path file) {
        ActivationFormatException e = assertThrows(ActivationFormatException.class,
                () -> NpyActivationSource.open(List.of(file)));
        assertEquals(file, e.file());
        return e.getMessage();
    }
}
