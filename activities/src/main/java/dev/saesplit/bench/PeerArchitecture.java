package dev.saesplit.bench;

import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One architecture of the peer check: what saesplit trains and what SAELens trains for it, at the same settings.
 * Adding an architecture is one entry in {@link #ALL}.
 *
 * @param name                the name {@code bench peer --architecture} takes
 * @param saesplit            saesplit's architecture at the check's settings (the trainer's other settings are
 *                            shared by every architecture: {@link PeerCheck#trainerConfig})
 * @param saeLensArchitecture the name in SAELens's training registry ({@code get_sae_training_class})
 * @param saeLensConfig       the fields of that architecture's SAELens training config besides {@code d_in} and
 *                            {@code d_sae}
 */
public record PeerArchitecture(String name, Function<PeerCheck.Settings, SaeArchitecture> saesplit,
                               String saeLensArchitecture,
                               Function<PeerCheck.Settings, Map<String, Object>> saeLensConfig) {

    /** ReLU with the decoder-norm-weighted L1 penalty, its coefficient warmed up linearly from zero on both sides. */
    public static final PeerArchitecture STANDARD = new PeerArchitecture("standard", s -> new StandardArchitecture(),
            "standard", s -> fields("l1_coefficient", s.l1Coefficient(), "l1_warm_up_steps", s.l1WarmupSteps(),
                    "lp_norm", 1.0));

    /**
     * TopK. saesplit trains it without decoder-norm rescaling and without an auxiliary loss for dead latents, so
     * SAELens's {@code rescale_acts_by_decoder_norm} (default true) is off and its AuxK {@code aux_loss_coefficient}
     * (default 1) is 0.
     */
    public static final PeerArchitecture TOPK = new PeerArchitecture("topk", s -> new TopKArchitecture(s.k()),
            "topk", s -> fields("k", s.k(), "rescale_acts_by_decoder_norm", false, "aux_loss_coefficient", 0.0));

    /** Every architecture the check covers, in the order it runs them. */
    public static final List<PeerArchitecture> ALL = List.of(STANDARD, TOPK);

    /** The entry named {@code name}. */
    public static PeerArchitecture named(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown architecture '" + name + "'; known: " + names()));
    }

    public static List<String> names() {
        return ALL.stream().map(PeerArchitecture::name).toList();
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
