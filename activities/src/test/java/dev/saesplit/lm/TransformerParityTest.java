package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.safetensors.NamedTensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java forward pass against TransformerLens's own numbers, for every accepted checkpoint format. */
class TransformerParityTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {LmFixture.TL_PTH, LmFixture.TL_SAFETENSORS, LmFixture.HF_GPT2})
    void everyHookAndTheLogitsMatchTransformerLens(String model) {
        TransformerWeights weights = TransformerWeights.load(LmFixture.path(model));
        Map<String, NamedTensor> reference = LmFixture.reference(model);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             Transformer transformer = Transformer.upload(weights, manager)) {
            NDArray tokens = LmFixture.tokens(reference, manager);
            for (String hook : HookPoint.allNames(weights.config())) {
                NDArray actual = transformer.activations(tokens, HookPoint.parse(hook));
                assertClose(reference.get(hook), actual, model + " " + hook);
            }
            NDArray logits = transformer.logits(tokens);
            assertClose(reference.get("logits"), logits, model + " logits");
            float loss = Transformer.crossEntropy(logits, tokens);
            assertEquals(reference.get("loss").values()[0], loss, TOLERANCE, model + " loss");
        }
    }

    /** Absolute tolerance, relative for values above 1 (logits and late residuals grow). */
    private static void assertClose(NamedTensor expected, NDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.getShape().getShape(), what + " shape");
        float[] want = expected.values();
        float[] got = actual.toFloatArray();
        for (int i = 0; i < want.length; i++) {
            double allowed = TOLERANCE * Math.max(1, Math.abs(want[i]));
            int index = i;
            assertTrue(Math.abs(want[i] - got[i]) <= allowed,
                    () -> what + " element " + index + ": expected " + want[index] + " but was " + got[index]);
        }
    }
}
