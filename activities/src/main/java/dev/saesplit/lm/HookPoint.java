package dev.saesplit.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place in the forward pass whose activation can be read or replaced, named as TransformerLens names its
 * hooks ({@code blocks.0.hook_mlp_out}). {@link #parse} checks the name's form; {@link #validate} also checks
 * the layer against a model, so a bad hook fails before anything runs.
 *
 * @param site  which activation
 * @param layer the block index for per-block sites; -1 for {@code hook_embed}, {@code hook_pos_embed} and
 *              {@code ln_final.hook_normalized}
 */
public record HookPoint(Site site, int layer) {

    /** The hookable activations, in the order the forward pass reaches them within a block. */
    public enum Site {
        EMBED("hook_embed", false),
        POS_EMBED("hook_pos_embed", false),
        RESID_PRE("hook_resid_pre", true),
        ATTN_OUT("hook_attn_out", true),
        RESID_MID("hook_resid_mid", true),
        MLP_PRE("mlp.hook_pre", true),
        MLP_POST("mlp.hook_post", true),
        MLP_OUT("hook_mlp_out", true),
        RESID_POST("hook_resid_post", true),
        LN_FINAL("ln_final.hook_normalized", false);

        private final String suffix;
        private final boolean perBlock;

        Site(String suffix, boolean perBlock) {
            this.suffix = suffix;
            this.perBlock = perBlock;
        }

        /** Whether the name carries a {@code blocks.<i>.} prefix. */
        public boolean perBlock() {
            return perBlock;
        }

        /** Whether the activation lives in the MLP's hidden space ({@code d_mlp}) rather than the residual stream. */
        public boolean mlpHidden() {
            return this == MLP_PRE || this == MLP_POST;
        }
    }

    private static final Pattern BLOCK_HOOK = Pattern.compile("blocks\\.(\\d{1,9})\\.(.+)");

    public HookPoint {
        Objects.requireNonNull(site, "site");
        if (site.perBlock() ? layer < 0 : layer != -1) {
            throw new IllegalArgumentException(site + " with layer " + layer);
        }
    }

    /** A per-block hook, e.g. {@code blockHook(Site.MLP_OUT, 0)} for {@code blocks.0.hook_mlp_out}. */
    public static HookPoint blockHook(Site site, int layer) {
        return new HookPoint(site, layer);
    }

    /**
     * Parses a TransformerLens hook name without regard to any model.
     *
     * @throws UnknownHookException if it names no hook this engine exposes
     */
    public static HookPoint parse(String name) {
        Objects.requireNonNull(name, "hook name");
        Matcher block = BLOCK_HOOK.matcher(name);
        String suffix = block.matches() ? block.group(2) : name;
        for (Site site : Site.values()) {
            if (site.suffix.equals(suffix) && site.perBlock() == block.matches()) {
                return new HookPoint(site, block.matches() ? Integer.parseInt(block.group(1)) : -1);
            }
        }
        throw new UnknownHookException(name, "not a hook of this engine; valid hooks are "
                + String.join(", ", namePatterns()));
    }

    /**
     * Parses {@code name} and checks that its layer exists in {@code config}.
     *
     * @throws UnknownHookException naming the hook and the valid ones
     */
    public static HookPoint validate(String name, TransformerConfig config) {
        HookPoint hook = parse(name);
        if (hook.layer() >= config.nLayers()) {
            throw new UnknownHookException(name, "layer " + hook.layer() + " does not exist in '"
                    + config.modelName() + "', which has " + config.nLayers() + " layer(s); valid hooks are "
                    + String.join(", ", allNames(config)));
        }
        return hook;
    }

    /** The TransformerLens name, e.g. {@code blocks.0.mlp.hook_post}. */
    public String name() {
        return site.perBlock() ? "blocks." + layer + "." + site.suffix : site.suffix;
    }

    /** The activation's last dimension: {@code d_mlp} inside the MLP, {@code d_model} elsewhere. */
    public int width(TransformerConfig config) {
        return site.mlpHidden() ? config.dMlp() : config.dModel();
    }

    /** The number of blocks the forward pass must run to reach this hook. */
    int blocksNeeded(TransformerConfig config) {
        if (site == Site.LN_FINAL) {
            return config.nLayers();
        }
        return site.perBlock() ? layer + 1 : 0;
    }

    /** Every hook of {@code config}, in forward order. */
    public static List<String> allNames(TransformerConfig config) {
        List<String> names = new ArrayList<>();
        names.add(Site.EMBED.suffix);
        names.add(Site.POS_EMBED.suffix);
        for (int layer = 0; layer < config.nLayers(); layer++) {
            for (Site site : Site.values()) {
                if (site.perBlock()) {
                    names.add(new HookPoint(site, layer).name());
                }
            }
        }
        names.add(Site.LN_FINAL.suffix);
        return names;
    }

    @Override
    public String toString() {
        return name();
    }

    private static List<String> namePatterns() {
        List<String> patterns = new ArrayList<>();
        for (Site site : Site.values()) {
            patterns.add(site.perBlock() ? "blocks.{i}." + site.suffix : site.suffix);
        }
        return patterns;
    }
}
