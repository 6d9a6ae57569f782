package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.ComputeDevice;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransformerTest {

    private static final int BATCH = 2;
    private static final int POSITIONS = 8;

    private static NDManager manager;
    private static Transformer transformer;
    private static TransformerConfig config;

    @BeforeAll
    static void uploadTheFixtureModel() {
        manager = ComputeDevice.newManager(Device.cpu());
        TransformerWeights weights = TransformerWeights.load(LmFixture.path(LmFixture.TL_SAFETENSORS));
        config = weights.config();
        transformer = Transformer.upload(weights, manager);
    }

    @AfterAll
    static void release() {
        transformer.close();
        manager.close();
    }

    @Test
    void changingALaterTokenNeverChangesAnEarlierPosition() {
        int changed = 5;
        long[] ids = tokenIds(3);
        long[] edited = ids.clone();
        edited[changed] = (edited[changed] + 1) % config.dVocab();
        for (String hook : HookPoint.allNames(config)) {
            float[] before = activations(ids, HookPoint.parse(hook));
            float[] after = activations(edited, HookPoint.parse(hook));
            int width = HookPoint.parse(hook).width(config);
            assertArrayEquals(Arrays.copyOf(before, changed * width), Arrays.copyOf(after, changed * width),
                    hook + " before the changed position");
            if (!hook.equals("hook_pos_embed")) {
                assertFalse(Arrays.equals(before, after), hook + " should depend on the changed token");
            }
        }
    }

    @Test
    void stoppingAtAHookGivesWhatTheFullForwardPassComputesThere() {
        for (String hook : HookPoint.allNames(config)) {
            try (NDManager call = manager.newSubManager()) {
                NDArray tokens = call.create(tokenIds(4), new Shape(BATCH, POSITIONS));
                NDArray stopped = transformer.activations(tokens, HookPoint.parse(hook));
                NDArray[] seen = new NDArray[1];
                transformer.logitsWithHook(tokens, HookPoint.parse(hook), x -> {
                    seen[0] = x.duplicate();
                    seen[0].attach(call);
                    return x;
                });
                assertArrayEquals(seen[0].toFloatArray(), stopped.toFloatArray(), hook);
            }
        }
    }

    @Test
    void activationsHaveTheHooksWidth() {
        HookPoint mlp = HookPoint.parse("blocks.1.mlp.hook_post");
        HookPoint resid = HookPoint.parse("blocks.0.hook_resid_mid");
        try (NDManager call = manager.newSubManager()) {
            NDArray tokens = call.create(tokenIds(5), new Shape(BATCH, POSITIONS));
            assertEquals(new Shape(BATCH, POSITIONS, config.dMlp()), transformer.activations(tokens, mlp).getShape());
            assertEquals(new Shape(BATCH, POSITIONS, config.dModel()),
                    transformer.activations(tokens, resid).getShape());
            assertEquals(new Shape(BATCH, POSITIONS, config.dVocab()), transformer.logits(tokens).getShape());
        }
    }

    @Test
    void replacingAHookWithIdentityKeepsTheCleanLossAndZeroAblationRaisesIt() {
        HookPoint hook = HookPoint.parse("blocks.0.hook_mlp_out");
        try (NDManager call = manager.newSubManager()) {
            NDArray tokens = call.create(tokenIds(6), new Shape(BATCH, POSITIONS));
            float clean = Transformer.crossEntropy(transformer.logits(tokens), tokens);
            float spliced = Transformer.crossEntropy(
                    transformer.logitsWithHook(tokens, hook, UnaryOperator.identity()), tokens);
            float ablated = Transformer.crossEntropy(
                    transformer.logitsWithHook(tokens, hook, NDArray::zerosLike), tokens);
            assertEquals(clean, spliced, 0f);
            assertNotEquals(clean, ablated);
        }
    }

    @Test
    void aHookMayModifyItsArgumentInPlaceWithoutTouchingTheWeights() {
        HookPoint hook = HookPoint.parse("hook_pos_embed");
        try (NDManager call = manager.newSubManager()) {
            NDArray tokens = call.create(tokenIds(7), new Shape(BATCH, POSITIONS));
            float[] before = transformer.logits(tokens).toFloatArray();
            transformer.logitsWithHook(tokens, hook, x -> x.muli(0));
            assertArrayEquals(before, transformer.logits(tokens).toFloatArray());
        }
    }

    @Test
    void outputsBelongToTheCallersManagerAndCarryNoGradient() {
        try (NDManager call = manager.newSubManager()) {
            NDArray tokens = call.create(tokenIds(8), new Shape(BATCH, POSITIONS));
            NDArray logits = transformer.logits(tokens);
            assertEquals(call, logits.getManager());
            assertFalse(logits.hasGradient());
            assertEquals(call, tokens.getManager());
        }
    }

    @Test
    void tokensOutsideTheVocabularyOrContextAreRejected() {
        try (NDManager call = manager.newSubManager()) {
            NDArray outside = call.create(new long[] {0, config.dVocab()}, new Shape(1, 2));
            IllegalArgumentException vocab = assertThrows(IllegalArgumentException.class,
                    () -> transformer.logits(outside));
            assertTrue(vocab.getMessage().contains("vocabulary"), vocab.getMessage());
            NDArray tooLong = call.zeros(new Shape(1, config.nCtx() + 1), DataType.INT64);
            assertThrows(IllegalArgumentException.class, () -> transformer.logits(tooLong));
        }
    }

    @Test
    void aHookOfALayerTheModelLacksIsRejectedBeforeRunning() {
        try (NDManager call = manager.newSubManager()) {
            NDArray tokens = call.create(tokenIds(9), new Shape(BATCH, POSITIONS));
            UnknownHookException e = assertThrows(UnknownHookException.class,
                    () -> transformer.activations(tokens, HookPoint.parse("blocks.7.hook_resid_pre")));
            assertTrue(e.getMessage().contains("blocks.7.hook_resid_pre"), e.getMessage());
        }
    }

    @Test
    void theUnembeddingIsTheLoadedWU() {
        assertEquals(new Shape(config.dModel(), config.dVocab()), transformer.unembedWeights().getShape());
        float[] firstRow = transformer.unembedWeights().get(new NDIndex("0")).toFloatArray();
        TransformerWeights weights = TransformerWeights.load(LmFixture.path(LmFixture.TL_SAFETENSORS));
        float[] expected = Arrays.copyOf(weights.tensor(TransformerLensLayout.W_U).values(), config.dVocab());
        assertArrayEquals(expected, firstRow);
    }

    @Test
    void lnPreIsLayerNormWithUnitScaleAndZeroBias() {
        TransformerWeights loaded = TransformerWeights.load(LmFixture.path(LmFixture.TL_SAFETENSORS));
        Map<String, float[]> identityLn = new LinkedHashMap<>();
        Map<String, float[]> withoutLn = new LinkedHashMap<>();
        loaded.tensors().forEach((name, tensor) -> {
            boolean lnWeight = name.matches(".*ln(1|2|_final)\\.[wb]");
            float[] values = tensor.values().clone();
            if (lnWeight) {
                Arrays.fill(values, name.endsWith(".w") ? 1f : 0f);
            } else {
                withoutLn.put(name, values);
            }
            identityLn.put(name, values);
        });
        TransformerConfig lnPre = new TransformerConfig(config.modelName(), config.nLayers(), config.dModel(),
                config.dHead(), config.nHeads(), config.dMlp(), config.dVocab(), config.nCtx(), config.actFn(),
                Normalization.LN_PRE, config.eps());
        try (NDManager call = manager.newSubManager();
             Transformer withIdentity = Transformer.upload(TransformerWeights.of(config, identityLn, "ln"), call);
             Transformer pre = Transformer.upload(TransformerWeights.of(lnPre, withoutLn, "lnpre"), call)) {
            NDArray tokens = call.create(tokenIds(10), new Shape(BATCH, POSITIONS));
            assertArrayEquals(withIdentity.logits(tokens).toFloatArray(), pre.logits(tokens).toFloatArray(), 1e-5f);
            HookPoint lnFinal = HookPoint.parse("ln_final.hook_normalized");
            assertArrayEquals(withIdentity.activations(tokens, lnFinal).toFloatArray(),
                    pre.activations(tokens, lnFinal).toFloatArray(), 1e-5f);
        }
    }

    private static float[] activations(long[] ids, HookPoint hook) {
        try (NDManager call = manager.newSubManager()) {
            return transformer.activations(call.create(ids, new Shape(BATCH, POSITIONS)), hook).toFloatArray();
        }
    }

    /** Batch-major ids; the first row is the one the causality test edits. */
    private static long[] tokenIds(int seed) {
        Random random = new Random(seed);
        long[] ids = new long[BATCH * POSITIONS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(config.dVocab());
        }
        return ids;
    }
}
