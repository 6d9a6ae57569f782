package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.lm.HookPoint.Site;
import org.junit.jupiter.api.Test;

class HookPointTest {

    private static final TransformerConfig ONE_LAYER = new TransformerConfig("gelu-1l", 1, 512, 64, 8, 2048, 48262,
            1024, ActivationFunction.GELU, Normalization.LN, 1e-5);

    @Test
    void everyTransformerLensHookNameParsesAndPrintsBackTheSame() {
        for (String name : HookPoint.allNames(ONE_LAYER)) {
            assertEquals(name, HookPoint.parse(name).name());
        }
        assertEquals(HookPoint.blockHook(Site.MLP_OUT, 0), HookPoint.parse("blocks.0.hook_mlp_out"));
        assertEquals(new HookPoint(Site.LN_FINAL, -1), HookPoint.parse("ln_final.hook_normalized"));
    }

    @Test
    void theWidthIsDMlpInsideTheMlpAndDModelElsewhere() {
        assertEquals(2048, HookPoint.parse("blocks.0.mlp.hook_post").width(ONE_LAYER));
        assertEquals(2048, HookPoint.parse("blocks.0.mlp.hook_pre").width(ONE_LAYER));
        assertEquals(512, HookPoint.parse("blocks.0.hook_mlp_out").width(ONE_LAYER));
        assertEquals(512, HookPoint.parse("hook_embed").width(ONE_LAYER));
    }

    @Test
    void anUnknownHookIsAnErrorListingTheValidOnes() {
        UnknownHookException e = assertThrows(UnknownHookException.class,
                () -> HookPoint.parse("blocks.0.attn.hook_z"));
        assertEquals("blocks.0.attn.hook_z", e.hook());
        assertTrue(e.getMessage().contains("blocks.{i}.hook_mlp_out"), e.getMessage());
        assertThrows(UnknownHookException.class, () -> HookPoint.parse("blocks.0.hook_embed"));
        assertThrows(UnknownHookException.class, () -> HookPoint.parse("hook_mlp_out"));
    }

    @Test
    void aLayerTheModelLacksIsAnErrorListingThatModelsHooks() {
        UnknownHookException e = assertThrows(UnknownHookException.class,
                () -> HookPoint.validate("blocks.1.hook_mlp_out", ONE_LAYER));
        assertTrue(e.getMessage().contains("1 layer(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("blocks.0.hook_mlp_out"), e.getMessage());
        assertEquals(HookPoint.blockHook(Site.MLP_OUT, 0), HookPoint.validate("blocks.0.hook_mlp_out", ONE_LAYER));
    }
}
