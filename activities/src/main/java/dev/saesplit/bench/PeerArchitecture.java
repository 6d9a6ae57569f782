package dev.saesplit.bench;

import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * One architecture of the peer check: what saesplit trains and what SAELens trains for it, at the same settings.
 * Adding an architecture is one entry in {@link #ALL}.
 *
 * @param name                the name {@code bench peer --architecture} takes
 * @param saesplit            saesplit's architecture at the check's settings (the trainer's other settings are
 *                            shared by every architecture: {@link PeerCheck#trainerConfig})
 * @param sparsityCoefficient the trainer's sparsity coefficient: λ of an L1 or L0 penalty, 0 where the architecture
 *                            is sparse by construction
 * @param saeLensArchitecture the name in SAELens's training registry ({@code get_sae_training_class})
 * @param saeLensConfig       the fields of that architecture's SAELens training config besides {@code d_in} and
 *                            {@code d_sae}
 */
public record PeerArchitecture(String name, Function<PeerCheck.Settings, SaeArchitecture> saesplit,
                               ToDoubleFunction<PeerCheck.Settings> sparsityCoefficient, String saeLensArchitecture,
                               Function<PeerCheck.Settings, Map<String, Object>> saeLensConfig) {

    /** ReLU with the decoder-norm-weighted L1 penalty, its coefficient warmed up linearly from zero on both sides. */
    public static final PeerArchitecture STANDARD = new PeerArchitecture("standard", s -> new StandardArchitecture(),
            PeerCheck.Settings::l1Coefficient, "standard", s -> fields("l1_coefficient", s.l1Coefficient(),
                    "l1_warm_up_steps", s.l1WarmupSteps(), "lp_norm", 1.0));

    /**
     * TopK. saesplit trains it without decoder-norm rescaling and without an auxiliary loss for dead latents, so
     * SAELens's {@code rescale_acts_by_decoder_norm} (default true) is off and its AuxK {@code aux_loss_coefficient}
     * (default 1) is 0.
     */
    public static final PeerArchitecture TOPK = new PeerArchitecture("topk", s -> new TopKArchitecture(s.k()),
            s -> 0, "topk", s -> fields("k", s.k(), "rescale_acts_by_decoder_norm", false, "aux_loss_coefficient",
                    0.0));

    /**
     * BatchTopK as both train it by default: k latents per token on average over the batch, decoder-norm rescaling,
     * the AuxK loss (coefficient 1) on latents silent for SAELens's dead-feature window, the threshold estimated at
     * rate 0.01; saved as JumpReLU by both.
     */
    public static final PeerArchitecture BATCHTOPK = new PeerArchitecture("batchtopk",
            s -> new BatchTopKArchitecture(s.k()), s -> 0, "batchtopk", s -> fields(batchTopKFields(s)));

    /** Matryoshka BatchTopK, BatchTopK's settings, with groups at a quarter, a half and all of d_sae. */
    public static final PeerArchitecture MATRYOSHKA_BATCHTOPK = new PeerArchitecture("matryoshka_batchtopk",
            s -> new MatryoshkaBatchTopKArchitecture(new BatchTopKArchitecture(s.k()), matryoshkaWidths(s)),
            s -> 0, "matryoshka_batchtopk", s -> fields(Stream.concat(Stream.of(batchTopKFields(s)), Stream.of(
                    "matryoshka_widths", matryoshkaWidths(s), "use_matryoshka_aux_loss", false)).toArray()));

    /**
     * JumpReLU with the step L0 loss, its coefficient warmed up as λ is, SAELens's initial threshold and bandwidth,
     * the estimator to the threshold alone and no pre-activation loss.
     */
    public static final PeerArchitecture JUMPRELU = new PeerArchitecture("jumprelu", s -> new JumpReLUArchitecture(),
            PeerCheck.Settings::l0Coefficient, "jumprelu", s -> fields("l0_coefficient", s.l0Coefficient(),
                    "l0_warm_up_steps", s.l1WarmupSteps(), "jumprelu_sparsity_loss_mode", "step",
                    "jumprelu_init_threshold", JumpReLUArchitecture.DEFAULT_INIT_THRESHOLD,
                    "jumprelu_bandwidth", JumpReLUArchitecture.DEFAULT_BANDWIDTH, "jumprelu_ste_to_input", false,
                    "pre_act_loss_coefficient", null));

    /** Every architecture the check covers, in the order it runs them. */
    public static final List<PeerArchitecture> ALL = List.of(STANDARD, TOPK, BATCHTOPK, MATRYOSHKA_BATCHTOPK,
            JUMPRELU);

    /** The entry named {@code name}. */
    public static PeerArchitecture named(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown architecture '" + name + "'; known: " + names()));
    }

    public static List<String> names() {
        return ALL.stream().map(PeerArchitecture::name).toList();
    }

    private static Object[] batchTopKFields(PeerCheck.Settings s) {
        return new Object[] {"k", (double) s.k(), "rescale_acts_by_decoder_norm", true,
                "topk_threshold_lr", BatchTopKArchitecture.DEFAULT_TOPK_THRESHOLD_LR,
                "aux_loss_coefficient", BatchTopKArchitecture.DEFAULT_AUX_LOSS_COEFFICIENT};
    }

    private static List<Integer> matryoshkaWidths(PeerCheck.Settings s) {
        return List.copyOf(new TreeSet<>(List.of(Math.max(1, s.dSae() / 4), Math.max(1, s.dSae() / 2), s.dSae())));
    }

    private static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        // SAELens's own defaults, named so a change of default there cannot pass unnoticed here.
        fields.put("apply_b_dec_to_input", true);
        fields.put("normalize_activations", "none");
        return Collections.unmodifiableMap(fields);
    }
}
