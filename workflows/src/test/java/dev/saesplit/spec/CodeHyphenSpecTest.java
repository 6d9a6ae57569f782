package dev.saesplit.spec;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** {@code experiments/code-hyphen.yaml}: the seed study's grid, two seeds each, on the model trained here. */
class CodeHyphenSpecTest {

    private static final Path SPEC = Path.of("..", "experiments", "code-hyphen.yaml");

    @Test
    void trainsTheStdlibModelAndTargetsTheHyphenToken() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC);

        ActivationSourceSpec.Model model = assertInstanceOf(ActivationSourceSpec.Model.class, spec.activations());
        assertEquals("stdlib-gelu-1l", model.train().name(), "models/stdlib-lm.yaml");
        assertEquals(LanguageModelSpec.Source.PYTHON_STDLIB, model.corpus().source());
        assertEquals(model.train().corpus().heldOut(), model.corpus().heldOut(), "the model's own split");
        assertEquals("blocks.0.hook_mlp_out", model.hook());
        assertEquals(new TargetLatent.Token("-"), spec.targetLatent());
    }

    @Test
    void runsEachOfTheSeedStudysSixConfigurationsAtTheWideWidthWithTwoSeeds() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC);

        Map<List<Object>, List<Long>> seeds = spec.runs().stream().collect(Collectors.groupingBy(
                r -> List.of(r.init(), r.normalised(), r.data(), r.loss()),
                Collectors.mapping(RunSpec::seed, Collectors.toList())));
        assertEquals(6, seeds.size(), seeds.toString());
        seeds.forEach((configuration, s) -> assertEquals(2, s.stream().distinct().count(), configuration + ": " + s));
        assertEquals(List.of(2048), spec.runs().stream().map(RunSpec::width).distinct().toList());
    }
}
