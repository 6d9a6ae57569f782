package dev.saesplit.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.Optional;

/** The MLP nonlinearities this engine implements, under their TransformerLens / HuggingFace names. */
public enum ActivationFunction {

    /** GELU with the exact erf, PyTorch's {@code F.gelu}. */
    GELU("gelu") {
        @Override
        public NDArray apply(NDArray x) {
            return Activation.gelu(x);
        }
    },
    /** GELU's tanh approximation, as GPT-2 and TransformerLens's {@code gelu_new} compute it. */
    GELU_NEW("gelu_new") {
        @Override
        public NDArray apply(NDArray x) {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), term by term in TransformerLens's order.
            NDArray inner = x.pow(3).muli(0.044715f).addi(x).muli((float) Math.sqrt(2.0 / Math.PI));
            NDArray gate = inner.tanh().addi(1f);
            inner.close();
            return gate.muli(x).muli(0.5f);
        }
    },
    RELU("relu") {
        @Override
        public NDArray apply(NDArray x) {
            return Activation.relu(x);
        }
    };

    private final String configName;

    ActivationFunction(String configName) {
        this.configName = configName;
    }

    /** The name in {@code config.json}. */
    public String configName() {
        return configName;
    }

    /** A new array with the nonlinearity applied element-wise; {@code x} is left as it was. */
    public abstract NDArray apply(NDArray x);

    /** The function a config names, if this engine implements it. */
    public static Optional<ActivationFunction> fromConfigName(String name) {
        return Arrays.stream(values()).filter(f -> f.configName.equals(name)).findFirst();
    }

    /** The accepted names, for error messages. */
    public static String configNames() {
        return Arrays.toString(Arrays.stream(values()).map(ActivationFunction::configName).toArray());
    }
}
