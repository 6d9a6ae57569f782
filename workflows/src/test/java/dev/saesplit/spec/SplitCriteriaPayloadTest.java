package dev.saesplit.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Split criteria travel in workflow payloads. An execution started before {@code max_child_overlap} existed has
 * payloads without it; they must still read, with the default, so the execution replays and its evaluation
 * judges as a new one would.
 */
class SplitCriteriaPayloadTest {

    @Test
    void aPayloadWrittenBeforeMaxChildOverlapExistedReadsWithTheDefault() throws Exception {
        SplitCriteria written = new SplitCriteria(3, 0.7, 0.1, 0.9, 0.8, 0.4, 0.5,
                List.of(new SplitCriteria.Probe("x = a - b", "-", SplitCriteria.Expectation.DOMINANT_CHILD, 2.0)));
        Payload payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(written).orElseThrow();
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(payload.getData().toStringUtf8());
        assertTrue(json.has("maxChildOverlap"), json.toString());
        json.remove("maxChildOverlap");
        Payload older = payload.toBuilder().setData(ByteString.copyFromUtf8(json.toString())).build();

        SplitCriteria read = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(older, SplitCriteria.class,
                SplitCriteria.class);

        assertEquals(SplitCriteria.DEFAULT_MAX_CHILD_OVERLAP, read.maxChildOverlap());
        assertEquals(new SplitCriteria(3, 0.7, 0.1, 0.9, 0.8, 0.4, SplitCriteria.DEFAULT_MAX_CHILD_OVERLAP,
                written.probes()), read);
        assertEquals(written, DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, SplitCriteria.class,
                SplitCriteria.class));
    }
}
