package dev.saesplit.evaluate.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.InMemoryActivationSource;
import dev.saesplit.data.RowRangeSource;
import dev.saesplit.evaluate.SplitEvaluator;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.TransformerLensLayout;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.tokens.HuggingFaceTokenizer;
import dev.saesplit.lm.tokens.TokenFixtures;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.SplitCriteria;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The interpretation on a model read from disk (the two-layer TransformerLens fixture, LayerNorm and GELU, a
 * 512-token unembedding) with a real BPE tokenizer of 300 ids, checked against the same quantities computed
 * another way: a full sort instead of the streaming top-k, {@code d · W_U} summed on the host from the weights
 * file, and the probe's activation read from a forward pass over the whole prompt.
 */
class InterpreterOnLoadedModelTest {

    private static final HookPoint HOOK = HookPoint.blockHook(HookPoint.Site.RESID_POST, 0);
    private static final int CONTEXT = 10;
    private static final int TARGET = 3;
    private static final int[] CHILDREN = {5, 9, 20};
    private static final SplitCriteria.Probe PROBE = new SplitCriteria.Probe("I'm a multi-millionaire", "-",
            SplitCriteria.Expectation.DOMINANT_CHILD, 2);
    private static final List<String> TEXTS = List.of("The quick brown fox jumps over the lazy dog.",
            "A multi-channel mixer has an 8-speed fan.", "Long-standing ideas are worth a second look.",
            "A 3-point landing is hard; the dog sleeps.");

    private static NDManager manager;
    private static TransformerWeights weights;
    private static Transformer model;
    private static HuggingFaceTokenizer tokenizer;
    private static ListedRowTokens tokens;
    private static float[] activations;
    private static SaeWeights narrow;
    private static SaeWeights wide;
    private static SplitReport.Interpretation interpretation;

    @BeforeAll
    static void interpretRandomSaesOnTheFixtureModel() throws URISyntaxException {
        manager = ComputeDevice.newManager(ComputeDevice.selected());
        weights = TransformerWeights.load(Path.of(InterpreterOnLoadedModelTest.class
                .getResource("/lm/tl-safetensors").toURI()));
        model = Transformer.upload(weights, manager);
        tokenizer = TokenFixtures.tinyTokenizer();
        int bos = tokenizer.bosTokenId().orElseThrow();
        List<int[]> contexts = new ArrayList<>();
        List<Float> rows = new ArrayList<>();
        for (String text : TEXTS) {
            int[] context = new int[CONTEXT];
            context[0] = bos;
            System.arraycopy(tokenizer.encode(text), 0, context, 1, CONTEXT - 1);
            contexts.add(context);
            for (float v : model.activations(manager.create(context, new Shape(1, CONTEXT)), HOOK).toFloatArray()) {
                rows.add(v);
            }
        }
        tokens = new ListedRowTokens(contexts);
        activations = new float[rows.size()];
        IntStream.range(0, activations.length).forEach(i -> activations[i] = rows.get(i));
        int dModel = weights.config().dModel();
        narrow = randomSae(dModel, 8, 1);
        wide = randomSae(dModel, 32, 2);
        InMemoryActivationSource all = InMemoryActivationSource.of(activations, dModel);
        interpretation = Interpreter.interpret(new SplitEvaluator.Subject(wide, narrow, TARGET, 0, -1, false),
                CHILDREN, new RowRangeSource(all, CONTEXT, all.tokens() - CONTEXT), tokens,
                new Interpreter.LanguageModel(model, tokenizer, HOOK, true), List.of(PROBE),
                new Interpreter.Settings(5, 3, 5), null);
    }

    @AfterAll
    static void release() {
        model.close();
        manager.close();
        tokenizer.close();
    }

    private static SaeWeights randomSae(int dIn, int dSae, long seed) {
        Random random = new Random(seed);
        float[] encoder = new float[dIn * dSae];
        float[] decoder = new float[dSae * dIn];
        for (int i = 0; i < encoder.length; i++) {
            encoder[i] = (float) random.nextGaussian();
            decoder[i] = (float) random.nextGaussian();
        }
        return new SaeWeights(SaeConfig.of(dIn, dSae, new StandardArchitecture(), "parity-gelu-2l", HOOK.name()),
                encoder, new float[dSae], decoder, new float[dIn]);
    }

    /** Every row's latents, encoded at once. */
    private static float[] encodeAll(SaeWeights sae) {
        try (NDManager scratch = manager.newSubManager();
             SparseAutoencoder uploaded = SparseAutoencoder.upload(sae, scratch)) {
            int dModel = weights.config().dModel();
            return uploaded.encode(scratch.create(activations, new Shape(activations.length / dModel, dModel)))
                    .toFloatArray();
        }
    }

    @Test
    void topContextsMatchAFullSortOfTheHeldOutRows() {
        int kept = 0;
        for (int i = 0; i <= CHILDREN.length; i++) {
            SaeWeights sae = i == 0 ? narrow : wide;
            int latent = i == 0 ? TARGET : CHILDREN[i - 1];
            float[] latents = encodeAll(sae);
            int dSae = sae.dSae();
            List<Integer> expected = IntStream.range(CONTEXT, (int) tokens.rows())
                    .filter(row -> latents[row * dSae + latent] > 0).boxed()
                    .sorted(Comparator.comparingDouble((Integer row) -> -latents[row * dSae + latent])).limit(5)
                    .toList();

            List<SplitReport.Context> contexts = interpretation.latents().get(i).contexts();

            assertEquals(expected.size(), contexts.size(), "latent " + latent);
            for (int c = 0; c < contexts.size(); c++) {
                int row = expected.get(c);
                assertEquals(latents[row * dSae + latent], contexts.get(c).activation(), 1e-4);
                assertEquals(VisibleText.of(tokenizer.tokenText(tokens.tokenId(row))), contexts.get(c).token());
            }
            kept = Math.max(kept, contexts.size());
        }
        assertEquals(5, kept, "some latent fires on more rows than are kept");
    }

    @Test
    void boostedLogitsMatchTheDecoderRowTimesTheUnembeddingFromTheWeightsFile() {
        float[] unembed = weights.tensor(TransformerLensLayout.W_U).values();
        int dModel = weights.config().dModel();
        int dVocab = weights.config().dVocab();
        float[] direction = narrow.decoderRow(TARGET);
        double[] logits = new double[tokenizer.vocabSize()];
        for (int token = 0; token < logits.length; token++) {
            for (int i = 0; i < dModel; i++) {
                logits[token] += direction[i] * unembed[i * dVocab + token];
            }
        }
        Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(t -> -logits[t]));

        List<SplitReport.Logit> top = interpretation.latents().get(0).topLogits();
        List<SplitReport.Logit> bottom = interpretation.latents().get(0).bottomLogits();

        for (int i = 0; i < 5; i++) {
            assertEquals(VisibleText.of(tokenizer.tokenText(order[i])), top.get(i).token());
            assertEquals(logits[order[i]], top.get(i).value(), 1e-4);
            int last = order[order.length - 1 - i];
            assertEquals(VisibleText.of(tokenizer.tokenText(last)), bottom.get(i).token());
            assertEquals(logits[last], bottom.get(i).value(), 1e-4);
        }
    }

    @Test
    void aProbeReadsTheSaesAtTheMarkedTokenOfTheWholePromptAfterBos() {
        int[] prompt = tokenizer.encode(PROBE.prompt());
        int[] ids = new int[prompt.length + 1];
        ids[0] = tokenizer.bosTokenId().orElseThrow();
        System.arraycopy(prompt, 0, ids, 1, prompt.length);
        int position = 1 + IntStream.range(0, prompt.length)
                .filter(i -> tokenizer.tokenText(prompt[i]).strip().equals("-")).findFirst().orElseThrow();
        float[] expectedTarget;
        float[] expectedWide;
        try (NDManager scratch = manager.newSubManager();
             SparseAutoencoder narrowSae = SparseAutoencoder.upload(narrow, scratch);
             SparseAutoencoder wideSae = SparseAutoencoder.upload(wide, scratch)) {
            NDArray all = model.activations(scratch.create(ids, new Shape(1, ids.length)), HOOK).get(0);
            NDArray x = all.get(new NDIndex("{}:{}", position, position + 1));
            expectedTarget = narrowSae.encode(x).toFloatArray();
            expectedWide = wideSae.encode(x).toFloatArray();
        }

        SplitReport.ProbeResult result = interpretation.probes().get(0);

        assertEquals(expectedTarget[TARGET], result.target(), 1e-4);
        for (int i = 0; i < CHILDREN.length; i++) {
            assertEquals(expectedWide[CHILDREN[i]], result.activations()[i], 1e-4);
        }
    }
}
