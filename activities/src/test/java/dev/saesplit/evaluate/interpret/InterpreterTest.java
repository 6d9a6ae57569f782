package dev.saesplit.evaluate.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.saesplit.data.InMemoryActivationSource;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.RowRangeSource;
import dev.saesplit.evaluate.EvaluatedReports;
import dev.saesplit.evaluate.HeldOutPass;
import dev.saesplit.evaluate.SplitEvaluator;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Transformer;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.spec.SplitCriteria;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.saesplit.evaluate.interpret.HandSetLanguageModel.RESID_MID;
import static dev.saesplit.evaluate.interpret.HandSetLanguageModel.unit;
import static dev.saesplit.evaluate.interpret.WordTokenizer.BOS;
import static dev.saesplit.evaluate.interpret.WordTokenizer.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole interpretation on {@link HandSetLanguageModel}, whose activations are known in closed form: at
 * position p a latent reading {@code s · e(tok)} fires {@code s · (count of tok so far) / (p + 1)}, plus s when the
 * token at p is tok itself.
 */
class InterpreterTest {

    private static final double EPS = 1e-5;
    /** Held-out rows start at row 6, the "-" of context 1: context 0 is training data. */
    private static final long HELD_OUT_START = 6;
    private static final List<int[]> CONTEXTS = List.of(
            ids(BOS, " multi", "-", "millionaire"),             // rows 0-3
            ids(BOS, " long", "-", "standing"),                 // rows 4-7
            ids(BOS, " A", " 3", "-", "point", " landing"));   // rows 8-13
    private static final int TARGET = 1;
    private static final int[] CHILDREN = {0, 1, 3};
    private static final SplitCriteria.Probe MULTI = probe(" I'm a multi-millionaire",
            SplitCriteria.Expectation.DOMINANT_CHILD, 2);

    private static NDManager manager;
    private static Transformer model;
    private static float[] activations;
    private static SaeWeights narrow;
    private static SaeWeights wide;

    @BeforeAll
    static void buildTheModelTheSaesAndTheCachedActivations() {
        manager = ComputeDevice.newManager(ComputeDevice.selected());
        model = HandSetLanguageModel.upload(manager);
        // Narrow latent 1, the target, reads "-"; its decoder boosts "-" and "point" and suppresses " landing".
        float[] targetDecoder = unit("-", 1f);
        targetDecoder[WordTokenizer.id("point")] = 0.5f;
        targetDecoder[WordTokenizer.id(" landing")] = -1f;
        narrow = HandSetLanguageModel.sae(new float[][] {unit(BOS, 1f), unit("-", 1f)},
                new float[][] {unit(BOS, 1f), targetDecoder});
        // Wide: children 0 (" multi"), 1 (" long"), 3 (" 3"); latent 2 reads "-" weakly and is no child.
        wide = HandSetLanguageModel.sae(
                new float[][] {unit(" multi", 6f), unit(" long", 6f), unit("-", 0.3f), unit(" 3", 6f)},
                new float[][] {unit("millionaire", 2f), unit("standing", 2f), unit("-", 1f), unit("point", 2f)});
        List<Float> rows = new ArrayList<>();
        for (int[] context : CONTEXTS) {
            NDArray tokens = manager.create(context, new Shape(1, context.length));
            for (float v : model.activations(tokens, RESID_MID).toFloatArray()) {
                rows.add(v);
            }
        }
        activations = new float[rows.size()];
        for (int i = 0; i < activations.length; i++) {
            activations[i] = rows.get(i);
        }
    }

    @AfterAll
    static void release() {
        model.close();
        manager.close();
    }

    private static SplitReport.Interpretation interpret(boolean filtered, double threshold,
                                                        List<SplitCriteria.Probe> probes) {
        InMemoryActivationSource all = InMemoryActivationSource.of(activations, HandSetLanguageModel.V);
        RowRangeSource heldOut = new RowRangeSource(all, HELD_OUT_START, all.tokens() - HELD_OUT_START);
        return Interpreter.interpret(new SplitEvaluator.Subject(wide, narrow, TARGET, threshold, -1, filtered),
                CHILDREN, heldOut, new ListedRowTokens(CONTEXTS), language(true), probes,
                new Interpreter.Settings(2, 1, 2), filtered ? new HeldOutPass.TargetTokensOnly(threshold) : null);
    }

    private static Interpreter.LanguageModel language(boolean prependBos) {
        return new Interpreter.LanguageModel(model, new WordTokenizer(), RESID_MID, prependBos);
    }

    private static SplitCriteria.Probe probe(String prompt, SplitCriteria.Expectation expect, double margin) {
        return new SplitCriteria.Probe(prompt, "-", expect, margin);
    }

    private static void assertContext(double activation, String before, String token, String after,
                                      SplitReport.Context actual) {
        assertEquals(before + "[" + token + "]" + after, actual.before() + "[" + actual.token() + "]" + actual.after());
        assertEquals(activation, actual.activation(), EPS);
    }

    @Test
    void theTargetComesFirstThenTheChildrenInTheOrderGiven() {
        List<SplitReport.LatentInterpretation> latents = interpret(false, 0, List.of()).latents();

        assertEquals(List.of("narrow 1", "wide 0", "wide 1", "wide 3"),
                latents.stream().map(l -> l.sae() + " " + l.latent()).toList());
    }

    @Test
    void topContextsAreTheHeldOutRowsThatFireHighestShownWithinTheirOwnContext() {
        List<SplitReport.LatentInterpretation> latents = interpret(false, 0, List.of()).latents();

        List<SplitReport.Context> target = latents.get(0).contexts();
        assertEquals(2, target.size());
        // " long" (row 5) is not held out but is the same context, so it is shown.
        assertContext(1 + 1.0 / 3, " long", "-", "standing", target.get(0));
        assertContext(1 + 1.0 / 4, " 3", "-", "point", target.get(1));
        assertEquals(List.of(), latents.get(1).contexts(), "\" multi\" occurs only in training rows");
        assertContext(6.0 / 3, " long", "-", "standing", latents.get(2).contexts().get(0));
        assertContext(6.0 / 4, "-", "standing", "", latents.get(2).contexts().get(1));
        assertContext(6 * (1 + 1.0 / 3), " A", " 3", "-", latents.get(3).contexts().get(0));
        assertContext(6.0 / 4, " 3", "-", "point", latents.get(3).contexts().get(1));
    }

    @Test
    void aWideSaeTrainedOnFilteredDataIsReadOnlyWhereTheTargetFires() {
        // The target fires 4/3 on row 6 and 1/4 on row 7: with threshold 1.2 the wide SAE is not read on row 7.
        List<SplitReport.Context> child = interpret(true, 1.2, List.of()).latents().get(2).contexts();

        assertEquals(1, child.size());
        assertContext(2.0, " long", "-", "standing", child.get(0));
    }

    @Test
    void boostedLogitsAreTheDecoderDirectionThroughTheUnembeddingPaddingExcluded() {
        List<SplitReport.LatentInterpretation> latents = interpret(false, 0, List.of()).latents();

        // d · W_U for the target is (1 for "-", 0.5 for "point", -1 for " landing", 0 elsewhere); the padding
        // column would score 100 · (1 + 0.5 - 1) = 50 but is no token.
        assertEquals(List.of(new SplitReport.Logit("-", 1.0), new SplitReport.Logit("point", 0.5)),
                latents.get(0).topLogits());
        assertEquals(List.of(new SplitReport.Logit(" landing", -1.0), new SplitReport.Logit(BOS, 0.0)),
                latents.get(0).bottomLogits());
        assertEquals(new SplitReport.Logit("millionaire", 2.0), latents.get(1).topLogits().get(0));
        assertEquals(new SplitReport.Logit("point", 2.0), latents.get(3).topLogits().get(0));
    }

    @Test
    void probesPassAndFailAsTheActivationsAtTheMarkedTokenDictate() {
        List<SplitReport.ProbeResult> probes = interpret(false, 0, List.of(
                MULTI,
                probe(" I'm a multi-millionaire", SplitCriteria.Expectation.DOMINANT_CHILD, 3),
                probe(" long-standing", SplitCriteria.Expectation.QUIET, 2),
                probe(" A multi-point landing", SplitCriteria.Expectation.QUIET, 2))).probes();

        // "-" at position 5 of <bos> I 'm a multi - : target 1 + 1/6, child 0 reads 6/6 = 1, latent 2 0.3 · 7/6.
        SplitReport.ProbeResult owned = probes.get(0);
        assertTrue(owned.passed(), owned.reason());
        assertEquals(7.0 / 6, owned.target(), EPS);
        assertEquals(1.0, owned.activations()[0], EPS);
        assertEquals(0.0, owned.activations()[1], EPS);
        assertEquals("child 0 fires 1.00; next highest latent 2 (0.350): ratio 2.86 >= margin 2.00", owned.reason());
        assertFalse(probes.get(1).passed(), "2.86 < 3: " + probes.get(1).reason());
        // " long-standing": child 1 fires 2 but only child 0, the owner of "multi-", is watched, and it is silent.
        assertTrue(probes.get(2).passed(), probes.get(2).reason());
        assertEquals(2.0, probes.get(2).activations()[1], EPS);
        // " A multi-point": child 0 fires 6/4 = 1.5 where the target fires 1 + 1/4; 1.5 · 2 > 1.25.
        assertFalse(probes.get(3).passed(), probes.get(3).reason());
        assertEquals(List.of(" I'm a multi-millionaire", " I'm a multi-millionaire", " long-standing",
                " A multi-point landing"), probes.stream().map(SplitReport.ProbeResult::prompt).toList());
    }

    @Test
    void withoutAPassedDominantChildProbeQuietWatchesEveryChild() {
        SplitReport.ProbeResult alone = interpret(false, 0, List.of(
                probe(" long-standing", SplitCriteria.Expectation.QUIET, 2))).probes().get(0);

        assertFalse(alone.passed(), "child 1 fires 2 · 2 > 4/3: " + alone.reason());
    }

    @Test
    void aProbeWhereTheTargetIsQuietDoesNotReadAFilteredWideSaeAndSaysSo() {
        SplitReport.ProbeResult gated = interpret(true, 1.2, List.of(MULTI)).probes().get(0);
        String note = "(the target does not fire above 1.2 here; this wide SAE, trained only where it does, is not"
                + " read here)";

        assertFalse(gated.passed());
        assertTrue(gated.reason().startsWith("no child fires here " + note), gated.reason());
        assertTrue(interpret(true, 1.1, List.of(MULTI)).probes().get(0).passed(), "7/6 > 1.1: read as it is");
    }

    @Test
    void probePromptsGetBosFirstExactlyWhenTheCachedContextsDo() {
        try (NDManager saes = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder narrowSae = SparseAutoencoder.upload(narrow, saes);
             SparseAutoencoder wideSae = SparseAutoencoder.upload(wide, saes)) {
            ProbeRunner.Reading withBos = new ProbeRunner(model, new WordTokenizer(), RESID_MID, true, narrowSae,
                    TARGET, wideSae, null).read(MULTI);
            ProbeRunner.Reading without = new ProbeRunner(model, new WordTokenizer(), RESID_MID, false, narrowSae,
                    TARGET, wideSae, null).read(MULTI);

            assertEquals(5, withBos.position());
            assertEquals(1 + 1.0 / 6, withBos.target(), EPS);
            assertEquals(4, without.position());
            assertEquals(1 + 1.0 / 5, without.target(), EPS);
        }
    }

    @Test
    void aReportCarryingTheInterpretationIsValidAgainstTheSchema(@TempDir Path dir) throws Exception {
        SplitReport.Interpretation interpretation = interpret(false, 0, List.of(MULTI));
        SplitReport report = EvaluatedReports.split(dir, "interpreted", "1").withInterpretation(interpretation);
        Path file = dir.resolve(SplitReport.FILE_NAME);
        JsonArtifacts.write(file, report);
        JsonSchema schema;
        try (InputStream in = SplitReport.class.getResourceAsStream(SplitReport.SCHEMA_RESOURCE)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }

        assertEquals(Set.of(), schema.validate(new ObjectMapper().readTree(file.toFile())));
        assertEquals(interpretation.latents(), JsonArtifacts.read(file, SplitReport.class).interpretation().latents(),
                "contexts and logits survive the round trip");
    }

    @Test
    void promptsAndHooksThatDoNotFitAreRefusedNamingWhat() {
        InterpretationInputException tooLong = assertThrows(InterpretationInputException.class,
                () -> interpret(false, 0, List.of(probe(" multi".repeat(16) + "-", SplitCriteria.Expectation.QUIET,
                        2))));
        assertTrue(tooLong.getMessage().contains("18 tokens with BOS, longer than the model's context n_ctx = 16"),
                tooLong.getMessage());

        InMemoryActivationSource all = InMemoryActivationSource.of(activations, HandSetLanguageModel.V);
        InterpretationInputException badHook = assertThrows(InterpretationInputException.class,
                () -> Interpreter.interpret(new SplitEvaluator.Subject(wide, narrow, TARGET, 0, -1, false), CHILDREN,
                        new RowRangeSource(all, 0, all.tokens()), new ListedRowTokens(CONTEXTS),
                        new Interpreter.LanguageModel(model, new WordTokenizer(),
                                HookPoint.blockHook(HookPoint.Site.MLP_POST, 0), true),
                        List.of(), Interpreter.Settings.DEFAULTS, null));
        assertTrue(badHook.getMessage().contains("hook blocks.0.mlp.hook_post of 'hand-set' is 4 wide"),
                badHook.getMessage());
    }
}
