package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.spec.WeightProcessing;
import org.junit.jupiter.api.Test;

/**
 * TransformerLens's {@code from_pretrained} processing changes what it is known to change and nothing else: the
 * residual stream and everything written to it lose their mean over d_model, the logits their mean over the
 * vocabulary; the MLP's hidden activations and the loss stay. (Agreement with TransformerLens itself is
 * {@link PublishedLayoutParityTest}'s.)
 */
class FromPretrainedProcessingTest {

    private static final double TOLERANCE = 1e-4;

    private final TransformerWeights raw = TransformerWeights.load(LmFixture.path(LmFixture.TL_SAFETENSORS));
    private final TransformerWeights processed = raw.processed(WeightProcessing.FROM_PRETRAINED);

    @Test
    void layerNormIsFoldedAndTheValueBiasesMovedIntoTheOutputBias() {
        assertEquals(Normalization.LN_PRE, processed.config().normalization());
        assertTrue(processed.tensors().keySet().stream().noneMatch(name -> name.contains("ln")));
        for (float value : processed.tensor("blocks.1.attn.b_V").values()) {
            assertEquals(0f, value);
        }
        assertNotEquals(raw.contentHash(), processed.contentHash(), "the processing is part of every content key");
        assertSame(raw, raw.processed(WeightProcessing.NONE));
    }

    @Test
    void writtenOutputsAndLogitsLoseTheirMeanWhileMlpHiddenActivationsAndLossStay() {
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             Transformer before = Transformer.upload(raw, manager);
             Transformer after = Transformer.upload(processed, manager)) {
            NDArray tokens = LmFixture.tokens(LmFixture.reference(LmFixture.TL_SAFETENSORS), manager);
            for (int layer = 0; layer < 2; layer++) {
                for (String hook : new String[] {"hook_mlp_out", "hook_attn_out", "hook_resid_post"}) {
                    HookPoint point = HookPoint.parse("blocks." + layer + "." + hook);
                    NDArray unprocessed = before.activations(tokens, point);
                    assertClose(unprocessed.sub(unprocessed.mean(new int[] {-1}, true)),
                            after.activations(tokens, point), point.name());
                }
                HookPoint post = HookPoint.parse("blocks." + layer + ".mlp.hook_post");
                assertClose(before.activations(tokens, post), after.activations(tokens, post), post.name());
            }
            NDArray logits = before.logits(tokens);
            assertClose(logits.sub(logits.mean(new int[] {-1}, true)), after.logits(tokens), "logits");
            assertEquals(Transformer.crossEntropy(logits, tokens), Transformer.crossEntropy(after.logits(tokens),
                    tokens), TOLERANCE);
        }
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        float[] want = expected.toFloatArray();
        float[] got = actual.toFloatArray();
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            int index = i;
            assertTrue(Math.abs(want[i] - got[i]) <= TOLERANCE * Math.max(1, Math.abs(want[i])),
                    () -> what + " element " + index + ": expected " + want[index] + " but was " + got[index]);
        }
    }
}
