package dev.saesplit.digest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Sha256Test {

    /** FIPS 180-2, appendix B.1: the digest of "abc". */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void textBytesAndFileGiveTheStandardLowercaseHexDigest(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("abc.txt"), "abc", StandardCharsets.UTF_8);

        assertEquals(ABC, Sha256.ofText("abc"));
        assertEquals(ABC, Sha256.ofBytes("abc".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ABC, Sha256.ofFile(file));
    }

    @Test
    void aDigestFedInPiecesEqualsTheDigestOfTheWhole() {
        MessageDigest digest = Sha256.newDigest();
        digest.update("a".getBytes(StandardCharsets.UTF_8));
        digest.update("bc".getBytes(StandardCharsets.UTF_8));

        assertEquals(Sha256.ofText("abc"), Sha256.hex(digest));
    }

    @Test
    void aFileLargerThanTheReadBufferIsHashedWhole(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[(1 << 20) + 17];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("large.bin"), bytes);

        assertEquals(Sha256.ofBytes(bytes), Sha256.ofFile(file));
    }
}
