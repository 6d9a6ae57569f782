package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.lm.pth.StateDictWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAEs in Neel Nanda's 1L-Sparse-Autoencoder format ({@code N.pt} beside {@code N_cfg.json}) read as the SAELens
 * SAE they are, and malformed ones are refused as malformed SAELens folders are: an
 * {@link ArtifactCorruptException} naming the file and the tensor or key at fault, by {@code inspect} (what
 * {@code validate} runs) as by {@code read} wherever only headers are needed to tell.
 */
@Timeout(20)
class NeelSaeFormatTest {

    private static final int D_IN = 4;
    private static final int D_SAE = 8;

    @TempDir
    Path dir;

    @Test
    void aSaeWrittenInTheFormatReadsBackBitForBitWithItsHookAndWidth() {
        SaeWeights written = SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 3);
        Path pt = dir.resolve("14.pt");

        NeelSaeFormat.write(pt, written);
        SaeWeights read = SaeFiles.read(pt);

        assertTrue(Files.exists(dir.resolve("14_cfg.json")));
        assertTrue(read.bitwiseEquals(written), "same weights and config");
        assertEquals(D_SAE, SaeFiles.inspect(pt).dSae());
        assertEquals("blocks.0.hook_mlp_out", read.config().hookName());
    }

    @Test
    void theWidthComesFromActSizeTimesDictMultWhenTheConfigHasNoDictSize() throws IOException {
        Path pt = good("7.pt");
        Files.writeString(dir.resolve("7_cfg.json"), "{\"act_size\": 4, \"dict_mult\": 2, \"l1_coeff\": 3e-4,"
                + " \"seq_len\": 128, \"act_name\": \"blocks.0.hook_mlp_out\", \"enc_dtype\": \"fp32\"}");

        assertEquals(D_SAE, NeelSaeFormat.read(pt).dSae());
    }

    @Test
    void aMissingTensorIsNamedWithWhatTheStateDictHolds() {
        Path pt = dir.resolve("1.pt");
        new StateDictWriter().put("W_enc", new float[D_IN * D_SAE], D_IN, D_SAE)
                .put("W_dec", new float[D_SAE * D_IN], D_SAE, D_IN).put("b_enc", new float[D_SAE], D_SAE).write(pt);
        config("1", "{\"act_size\": 4, \"dict_size\": 8}");

        ArtifactCorruptException e = assertRefusedByInspectAndRead(pt);

        assertEquals("tensor 'b_dec'", e.item());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void aTensorOfTheWrongShapeIsNamedWithTheShapeTheConfigImplies() {
        Path pt = dir.resolve("2.pt");
        new StateDictWriter().put("W_enc", new float[D_IN * D_SAE], D_SAE, D_IN)
                .put("W_dec", new float[D_SAE * D_IN], D_SAE, D_IN).put("b_enc", new float[D_SAE], D_SAE)
                .put("b_dec", new float[D_IN], D_IN).write(pt);
        config("2", "{\"act_size\": 4, \"dict_size\": 8}");

        ArtifactCorruptException e = assertRefusedByInspectAndRead(pt);

        assertEquals("tensor 'W_enc'", e.item());
        assertTrue(e.getMessage().contains("[8, 4] but 2_cfg.json implies [4, 8]"), e.getMessage());
    }

    @Test
    void aConfigThatDisagreesWithTheTensorsIsRefused() throws IOException {
        Path pt = good("3.pt");
        Files.writeString(dir.resolve("3_cfg.json"), "{\"act_size\": 4, \"dict_mult\": 4}");

        assertTrue(assertRefusedByInspectAndRead(pt).getMessage().contains("implies [4, 16]"));
    }

    @Test
    void dictSizeAndDictMultMustAgree() throws IOException {
        Path pt = good("4.pt");
        Files.writeString(dir.resolve("4_cfg.json"), "{\"act_size\": 4, \"dict_size\": 8, \"dict_mult\": 3}");

        assertEquals("dict_size", assertRefusedByInspectAndRead(pt).item());
    }

    @Test
    void aConfigThatIsNotAMappingOrLacksItsSizesIsRefusedNamingTheFileAndKey() throws IOException {
        Path pt = good("5.pt");
        Path cfg = dir.resolve("5_cfg.json");
        Files.writeString(cfg, "[4, 8]");
        ArtifactCorruptException list = assertRefusedByInspectAndRead(pt);
        assertEquals(cfg, list.file());
        assertTrue(list.getMessage().contains("not a JSON object"), list.getMessage());

        Files.writeString(cfg, "{\"dict_mult\": 2}");
        assertEquals("act_size", assertRefusedByInspectAndRead(pt).item());
        Files.writeString(cfg, "{\"act_size\": 4.5, \"dict_mult\": 2}");
        assertEquals("act_size", assertRefusedByInspectAndRead(pt).item());
        Files.writeString(cfg, "{\"act_size\": 4}");
        assertEquals("dict_mult", assertRefusedByInspectAndRead(pt).item());
        Files.delete(cfg);
        assertTrue(assertRefusedByInspectAndRead(pt).getMessage().contains("5_cfg.json"));
    }

    @Test
    void aNonFiniteWeightIsRefusedNamingTheTensorAndIndex() {
        SaeWeights sae = SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 4);
        float[] decoder = sae.decoderWeights();
        decoder[5] = Float.NaN;
        Path pt = dir.resolve("6.pt");
        NeelSaeFormat.write(pt, new SaeWeights(sae.config(), sae.encoderWeights(), sae.encoderBias(), decoder,
                sae.decoderBias()));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> NeelSaeFormat.read(pt));

        assertEquals(pt, e.file());
        assertEquals("tensor 'W_dec'", e.item());
        assertTrue(e.getMessage().contains("NaN at element 5 of"), e.getMessage());
    }

    @Test
    void anExtraTensorIsRefusedAsTheRepositoryLoadsStrictly() {
        Path pt = dir.resolve("8.pt");
        new StateDictWriter().put("W_enc", new float[D_IN * D_SAE], D_IN, D_SAE)
                .put("W_dec", new float[D_SAE * D_IN], D_SAE, D_IN).put("b_enc", new float[D_SAE], D_SAE)
                .put("b_dec", new float[D_IN], D_IN).put("scale", new float[1], 1).write(pt);
        config("8", "{\"act_size\": 4, \"dict_size\": 8}");

        assertTrue(assertRefusedByInspectAndRead(pt).getMessage().contains("[scale]"));
    }

    @Test
    void aPickleThatCallsAFunctionIsRefusedWithoutRunningIt() throws IOException {
        Path marker = dir.resolve("pwned");
        // os.system("touch <marker>"), pickled as a GLOBAL and a REDUCE: what a malicious .pt carries.
        String command = "touch " + marker;
        byte[] text = command.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream pickle = new java.io.ByteArrayOutputStream();
        pickle.write(new byte[] {(byte) 0x80, 2});
        pickle.write("cos\nsystem\nX".getBytes(StandardCharsets.US_ASCII));
        pickle.write(new byte[] {(byte) text.length, 0, 0, 0});
        pickle.write(text);
        pickle.write(new byte[] {(byte) 0x85, 'R', '.'});
        Path pt = dir.resolve("9.pt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(pt))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle.toByteArray());
            zip.closeEntry();
        }
        config("9", "{\"act_size\": 4, \"dict_size\": 8}");

        ArtifactCorruptException e = assertRefusedByInspectAndRead(pt);

        assertEquals(pt, e.file());
        assertFalse(Files.exists(marker), "nothing in the pickle ran");
    }

    @Test
    void aFileThatIsNeitherASaeDirectoryNorAPtFileIsNamedAsSuch() throws IOException {
        Path file = Files.writeString(dir.resolve("sae.bin"), "x");

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeFiles.inspect(file));

        assertTrue(e.getMessage().contains("neither an SAE directory"), e.getMessage());
    }

    private ArtifactCorruptException assertRefusedByInspectAndRead(Path pt) {
        ArtifactCorruptException inspected = assertThrows(ArtifactCorruptException.class, () -> SaeFiles.inspect(pt));
        ArtifactCorruptException read = assertThrows(ArtifactCorruptException.class, () -> SaeFiles.read(pt));
        assertEquals(inspected.getMessage(), read.getMessage(), "validate says what run would say");
        return read;
    }

    private Path good(String name) {
        Path pt = dir.resolve(name);
        NeelSaeFormat.write(pt, SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 1));
        return pt;
    }

    private void config(String stem, String json) {
        try {
            Files.writeString(dir.resolve(stem + NeelSaeFormat.CONFIG_SUFFIX), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
