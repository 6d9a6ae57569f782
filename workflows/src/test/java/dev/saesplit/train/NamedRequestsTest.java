package dev.saesplit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.evaluate.EvaluationRequest;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.Architecture;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.LossChange;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.spec.TrainingSpec;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The named requests carry what the positional ones did (the components recorded histories hold), and name their
 * sentinels' meaning without adding anything to the payload.
 */
class NamedRequestsTest {

    private static final SaeRef INITIAL = sae("initial");
    private static final SaeRef NARROW = sae("narrow");
    private static final ActivationsRef DATA = new ActivationsRef(artifact("activations"), 8, 1000, "m", "h");
    private static final FilteredDataRef FILTERED = new FilteredDataRef(artifact("filtered"), 3, 1000, 250);

    @Test
    void theNarrowSaeTrainsOnEveryTokenWithNoRowAndNoLatentZeroed() {
        TrainRequest narrow = TrainRequest.forNarrow("e", INITIAL, DATA, TrainingSpec.DEFAULTS, 5000, 7);
        assertEquals(new TrainRequest("e", "", INITIAL, DATA, null, TrainingSpec.DEFAULTS, 5000, 7, -1), narrow);
        assertTrue(narrow.isNarrow());
        assertFalse(narrow.trainsOnFiltered());
        assertFalse(narrow.zeroesLatent());
    }

    @Test
    void aRowTrainsOnFilteredTokensAndZeroesTheTargetOnlyWhenItsConfigurationSaysSo() {
        TrainRequest filteredZeroed = TrainRequest.forRow("e", row("a", DataSelection.FILTERED, LossChange.ZERO_TARGET),
                INITIAL, DATA, FILTERED, TrainingSpec.DEFAULTS, 3);
        assertEquals(new TrainRequest("e", "a", INITIAL, DATA, FILTERED, TrainingSpec.DEFAULTS, 2000, 11, 3),
                filteredZeroed);
        assertFalse(filteredZeroed.isNarrow());
        assertTrue(filteredZeroed.trainsOnFiltered());
        assertTrue(filteredZeroed.zeroesLatent());

        TrainRequest plain = TrainRequest.forRow("e", row("b", DataSelection.ALL, LossChange.STANDARD), INITIAL, DATA,
                FILTERED, TrainingSpec.DEFAULTS, 3);
        assertNull(plain.filtered());
        assertEquals(-1, plain.zeroLatent());
        assertFalse(plain.trainsOnFiltered());
        assertFalse(plain.zeroesLatent());
    }

    @Test
    void aRowsEvaluationKnowsWhatItsTrainingWasGiven() {
        RunSpec row = row("a", DataSelection.FILTERED, LossChange.ZERO_TARGET);
        SplitCriteria criteria = SplitCriteria.DEFAULTS;
        assertEquals(new EvaluationRequest("e", "a", INITIAL, NARROW, 3, 0.5, 3, true, DATA, criteria, null),
                EvaluationRequest.forRow("e", row, INITIAL, NARROW, 3, 0.5, DATA, criteria, null));
        assertEquals(new EvaluationRequest("e", "b", INITIAL, NARROW, 3, 0.5, -1, false, DATA, criteria, null),
                EvaluationRequest.forRow("e", row("b", DataSelection.ALL, LossChange.STANDARD), INITIAL, NARROW, 3,
                        0.5, DATA, criteria, null));
    }

    @Test
    void aRequestsPayloadHoldsItsComponentsAndNothingElse() throws Exception {
        RunSpec plain = row("a", DataSelection.FILTERED, LossChange.ZERO_TARGET);
        RunSpec jumprelu = new RunSpec("j", "test", 32, 11, Init.RANDOM, true, DataSelection.ALL, LossChange.STANDARD,
                2000, "", null, new ArchitectureSpec(Architecture.JUMPRELU, null, null, 0.5));
        List<String> components = Arrays.stream(TrainRequest.class.getRecordComponents())
                .map(RecordComponent::getName).sorted().toList();

        assertEquals(components, payloadFields(TrainRequest.forRow("e", jumprelu, INITIAL, DATA, FILTERED,
                TrainingSpec.DEFAULTS, 3)));
        // a row naming no architecture travels as rows did before architectures existed, so recorded histories replay
        assertEquals(components.stream().filter(c -> !c.equals("architecture")).toList(),
                payloadFields(TrainRequest.forRow("e", plain, INITIAL, DATA, FILTERED, TrainingSpec.DEFAULTS, 3)));
    }

    private static List<String> payloadFields(TrainRequest request) throws Exception {
        byte[] payload = DefaultDataConverter.newDefaultInstance().toPayload(request).orElseThrow()
                .getData().toByteArray();
        JsonNode json = new ObjectMapper().readTree(payload);
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        return fields.stream().sorted().toList();
    }

    private static RunSpec row(String id, DataSelection data, LossChange loss) {
        return new RunSpec(id, "test", 32, 11, Init.RANDOM, true, data, loss, 2000, "");
    }

    private static SaeRef sae(String key) {
        return new SaeRef(artifact(key), 8, 16);
    }

    private static ArtifactRef artifact(String key) {
        return new ArtifactRef("sae", key, "file:///artifacts/" + key, "hash-" + key);
    }
}
