package dev.saesplit.spec;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A model source travels in workflow payloads to the caching activity. Its cache dtype must survive the trip, and a
 * payload written before the field existed (or with float32, which is left out) reads as float32.
 */
class CacheDtypePayloadTest {

    private static final ActivationSourceSpec.Model SOURCE = new ActivationSourceSpec.Model("gelu-1l",
            Path.of("/models/gelu-1l"), null, "c4", Path.of("/data/c4"), "blocks.0.hook_mlp_out", 128, true, true,
            1 << 20, 32);

    @Test
    void aHalfDtypeSurvivesAPayloadAndDerivedSourcesAndFloat32IsLeftOut() {
        for (CacheDtype dtype : new CacheDtype[] {CacheDtype.FLOAT16, CacheDtype.BFLOAT16}) {
            ActivationSourceSpec.Model half = SOURCE.withCacheDtype(dtype);
            assertEquals(half, roundTrip(half));
            assertEquals(dtype, roundTrip(half).withDataset(Path.of("elsewhere"))
                    .withWeightProcessing(WeightProcessing.FROM_PRETRAINED).cacheDtype(),
                    "deriving a source keeps its dtype");
        }
        Payload float32 = DefaultDataConverter.STANDARD_INSTANCE.toPayload(SOURCE).orElseThrow();
        assertFalse(float32.getData().toStringUtf8().contains("cacheDtype"), float32.getData().toStringUtf8());
        assertEquals(CacheDtype.FLOAT32, roundTrip(SOURCE).cacheDtype());
    }

    private static ActivationSourceSpec.Model roundTrip(ActivationSourceSpec.Model source) {
        Payload payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(source).orElseThrow();
        return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, ActivationSourceSpec.Model.class,
                ActivationSourceSpec.Model.class);
    }
}
