package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safetensors headers and SAELens configs written to break the readers: each is a clean
 * {@link ArtifactCorruptException} naming the file, never an arithmetic error, a hang or a silently
 * rounded size.
 */
@Timeout(10)
class HostileSaeFilesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"[4294967296, 4294967296]", "[4611686018427387904, 4]", "[18446744073709551620]",
            "[\"2\"]", "[2.9]", "[-1]", "[null]"})
    void aShapeThatOverflowsOrIsNotWholeIsRejected(String shape) throws IOException {
        Path file = safetensors("{\"W\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,8]}}", 8);

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SafetensorsReader.open(file));

        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[0, 8.5]", "[\"0\", 8]", "[0, 18446744073709551624]"})
    void offsetsThatAreNotWholeNumbersAreRejected(String offsets) throws IOException {
        Path file = safetensors("{\"W\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":" + offsets + "}}", 8);

        assertThrows(ArtifactCorruptException.class, () -> SafetensorsReader.open(file));
    }

    @Test
    void aDuplicateTensorNameIsRejected() throws IOException {
        String entry = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        Path file = safetensors("{\"W\":" + entry + ",\"W\":" + entry + "}", 8);

        assertThrows(ArtifactCorruptException.class, () -> SafetensorsReader.open(file));
    }

    @Test
    void aFractionalDSaeIsNotRoundedToAWholeOne() throws IOException {
        Path cfg = Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 4, \"d_sae\": 32.9}");

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.readConfig(cfg));

        assertEquals("d_sae", e.item());
    }

    @Test
    void applyBDecToInputMustBeABoolean() throws IOException {
        Path cfg = Files.writeString(dir.resolve("cfg.json"),
                "{\"d_in\": 4, \"d_sae\": 8, \"apply_b_dec_to_input\": \"false\"}");

        assertEquals("apply_b_dec_to_input",
                assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.readConfig(cfg)).item());
    }

    @Test
    void aConfigThatIsADeviceIsRefusedWithoutReadingIt() throws IOException {
        Path cfg = Files.createSymbolicLink(dir.resolve("cfg.json"), Path.of("/dev/zero"));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.readConfig(cfg));

        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aPipeAsWeightsIsRefusedInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("sae_weights.safetensors");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        assertThrows(ArtifactCorruptException.class, () -> SafetensorsReader.open(fifo));
    }

    @Test
    void inspectingChecksTensorShapesWithoutReadingWeights() throws IOException {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(4, 8, new StandardArchitecture(), 1), new float[8]);
        assertEquals(8, SaeLensFormat.inspect(dir).dSae());

        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 4, \"d_sae\": 16}");

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.inspect(dir));
        assertTrue(e.getMessage().contains("cfg.json implies"), e.getMessage());
    }

    @Test
    void anSaeHoldingNanOrInfinityIsRefusedAtLoadAndAtValidateNamingTheTensor() {
        SaeWeights random = SaeFixtures.randomSae(4, 8, new StandardArchitecture(), 1);
        float[] bEnc = random.encoderBias().clone();
        bEnc[2] = Float.POSITIVE_INFINITY;
        SaeLensFormat.write(dir, new SaeWeights(random.config(), random.encoderWeights().clone(), bEnc,
                random.decoderWeights().clone(), random.decoderBias().clone()), new float[8]);

        assertReadingAndInspectingRefuse("tensor 'b_enc'", "Infinity at element 2");
    }

    @Test
    void aJumpReluSaeWithoutItsThresholdTensorIsRefusedNamingIt() {
        SaeWeights standard = SaeFixtures.randomSae(4, 8, new StandardArchitecture(), 1);
        SaeLensFormat.write(dir, standard, new float[8]);
        rewriteArchitecture("jumprelu");

        assertReadingAndInspectingRefuse("tensor 'threshold'", "missing");
    }

    @Test
    void aJumpReluThresholdOfAnotherShapeIsRefused() {
        SaeWeights jumpReLU = SaeFixtures.randomSae(4, 8, new JumpReLUArchitecture(), 1);
        SaeLensFormat.write(dir, jumpReLU, new float[8]);
        SaeWeights wider = SaeFixtures.randomSae(4, 9, new JumpReLUArchitecture(), 1);
        Path other = dir.resolve("wider");
        SaeLensFormat.write(other, wider, new float[9]);
        java.util.Map<String, dev.saesplit.sae.safetensors.NamedTensor> tensors =
                new java.util.LinkedHashMap<>(SafetensorsReader.readAll(dir.resolve(SaeLensFormat.WEIGHTS_FILE)));
        tensors.put(SaeLensFormat.THRESHOLD,
                SafetensorsReader.readAll(other.resolve(SaeLensFormat.WEIGHTS_FILE)).get(SaeLensFormat.THRESHOLD));
        dev.saesplit.sae.safetensors.SafetensorsWriter.write(dir.resolve(SaeLensFormat.WEIGHTS_FILE),
                List.copyOf(tensors.values()));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.read(dir));

        assertEquals("tensor 'threshold'", e.item(), e.getMessage());
        assertTrue(e.getMessage().contains("cfg.json implies [8]"), e.getMessage());
    }

    @Test
    void aJumpReluBandwidthThatIsNotANumberIsRefusedNamingTheFile() throws IOException {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(4, 8, new JumpReLUArchitecture(), 1), new float[8]);
        Path cfg = dir.resolve(SaeLensFormat.CONFIG_FILE);
        Files.writeString(cfg, Files.readString(cfg).replaceAll("\"jumprelu_bandwidth\" : [0-9.]+",
                "\"jumprelu_bandwidth\" : \"wide\""));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.read(dir));

        assertEquals(cfg, e.file());
        assertTrue(e.getMessage().contains("jumprelu_bandwidth"), e.getMessage());
    }

    /** Reading and inspecting the SAE in {@link #dir} both refuse it, naming {@code item} and saying {@code what}. */
    private void assertReadingAndInspectingRefuse(String item, String what) {
        for (Consumer<Path> open : List.<Consumer<Path>>of(SaeLensFormat::read, SaeLensFormat::inspect)) {
            ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> open.accept(dir));
            assertEquals(item, e.item(), e.getMessage());
            assertTrue(e.getMessage().contains(what), e.getMessage());
        }
    }

    private void rewriteArchitecture(String architecture) {
        try {
            Path cfg = dir.resolve(SaeLensFormat.CONFIG_FILE);
            Files.writeString(cfg, Files.readString(cfg).replace("\"standard\"", "\"" + architecture + "\""));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        return Files.write(dir.resolve("hostile.safetensors"), buffer.array());
    }
}
