package dev.saesplit.spec;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A model source travels in workflow payloads. Its weight processing must survive the trip, and a payload written
 * before the field existed (or with the default, which is left out) reads as unprocessed.
 */
class WeightProcessingPayloadTest {

    private static final ActivationSourceSpec.Model SOURCE = new ActivationSourceSpec.Model("gelu-1l",
            Path.of("/models/gelu-1l"), null, "c4", Path.of("/data/c4"), "blocks.0.hook_mlp_out", 128, true, true,
            1 << 20, 32);

    @Test
    void fromPretrainedSurvivesAPayloadAndTheDefaultIsLeftOut() {
        ActivationSourceSpec.Model processed = SOURCE.withWeightProcessing(WeightProcessing.FROM_PRETRAINED);

        assertEquals(processed, roundTrip(processed));
        assertEquals(WeightProcessing.FROM_PRETRAINED, roundTrip(processed).withDataset(Path.of("elsewhere"))
                .weightProcessing(), "deriving a source keeps its processing");
        Payload unprocessed = DefaultDataConverter.STANDARD_INSTANCE.toPayload(SOURCE).orElseThrow();
        assertFalse(unprocessed.getData().toStringUtf8().contains("weightProcessing"),
                unprocessed.getData().toStringUtf8());
        assertEquals(WeightProcessing.NONE, roundTrip(SOURCE).weightProcessing());
    }

    private static ActivationSourceSpec.Model roundTrip(ActivationSourceSpec.Model source) {
        Payload payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(source).orElseThrow();
        return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, ActivationSourceSpec.Model.class,
                ActivationSourceSpec.Model.class);
    }
}
