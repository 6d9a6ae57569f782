package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's {@code config.json} is a user-named file like any other: one that is a pipe, a device or huge is
 * refused before it is read, naming the file, instead of blocking validate or exhausting memory.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileModelFilesTest {

    @TempDir
    Path dir;

    @Test
    void aConfigThatIsAPipeIsRefusedInsteadOfBlocking() throws Exception {
        Path config = dir.resolve("config.json");
        assertEquals(0, new ProcessBuilder("mkfifo", config.toString()).start().waitFor());

        ModelConfigException e = assertThrows(ModelConfigException.class, () -> TransformerLensConfigFile.read(config));

        assertEquals(config, e.file());
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aConfigLinkedToDevZeroIsRefusedInsteadOfExhaustingMemory() throws IOException {
        Path config = Files.createSymbolicLink(dir.resolve("config.json"), Path.of("/dev/zero"));

        ModelConfigException e = assertThrows(ModelConfigException.class, () -> TransformerLensConfigFile.read(config));

        assertEquals(config, e.file());
    }

    @Test
    void aNanWeightIsRefusedAtLoadNamingTheTensor() throws IOException {
        Path copy = ModelCopies.withValue(LmFixture.path(LmFixture.TL_SAFETENSORS), dir.resolve("nan-model"),
                "blocks.0.mlp.W_in", 3, Float.NaN);

        ModelWeightsException e = assertThrows(ModelWeightsException.class, () -> TransformerWeights.load(copy));

        assertTrue(e.getMessage().contains("blocks.0.mlp.W_in") && e.getMessage().contains("NaN at element 3"),
                e.getMessage());
    }

    @Test
    void aConfigOfManyMegabytesIsRefusedBeforeParsing() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"pad\": \"" + "x".repeat(2 << 20) + "\"}");

        ModelConfigException e = assertThrows(ModelConfigException.class, () -> TransformerLensConfigFile.read(config));

        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }
}
