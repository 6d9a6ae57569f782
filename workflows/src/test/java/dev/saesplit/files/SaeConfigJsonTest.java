package dev.saesplit.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SaeConfigJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aConfigIsOneJsonObjectInARegularFile() throws Exception {
        Path cfg = Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 4, \"d_sae\": 8}");

        JsonNode read = SaeConfigJson.readObject(cfg, JSON);

        assertEquals(8, read.get("d_sae").intValue());
    }

    @Test
    void eachRefusalSaysWhichPartIsWrong() throws Exception {
        assertRefused(SaeConfigJson.Part.MISSING, "not found", dir.resolve("absent.json"));
        assertRefused(SaeConfigJson.Part.FILE, "not a regular file", Files.createDirectory(dir.resolve("folder.json")));
        assertRefused(SaeConfigJson.Part.FILE, "an SAE config",
                Files.write(dir.resolve("huge.json"), new byte[SaeConfigJson.MAX_BYTES + 1]));
        assertRefused(SaeConfigJson.Part.CONTENT, "is not valid JSON",
                Files.writeString(dir.resolve("broken.json"), "{\"d_sae\": "));
        assertRefused(SaeConfigJson.Part.CONTENT, "is not a JSON object",
                Files.writeString(dir.resolve("list.json"), "[1, 2]"));
    }

    @Test
    void aWidthIsAWholeNumberFromOneToTheLargestInt() throws Exception {
        JsonNode cfg = JSON.readTree("{\"ok\": 32, \"fraction\": 32.9, \"zero\": 0, \"text\": \"32\","
                + " \"huge\": 2147483648}");

        assertEquals(OptionalInt.of(32), SaeConfigJson.positiveInt(cfg, "ok"));
        for (String field : new String[] {"fraction", "zero", "text", "huge", "absent"}) {
            assertEquals(OptionalInt.empty(), SaeConfigJson.positiveInt(cfg, field), field);
        }
    }

    private static void assertRefused(SaeConfigJson.Part part, String problem, Path file) {
        SaeConfigJson.Refusal refusal = assertThrows(SaeConfigJson.Refusal.class,
                () -> SaeConfigJson.readObject(file, JSON));
        assertEquals(part, refusal.part(), file.toString());
        assertTrue(refusal.problem().contains(problem), refusal.problem());
    }
}
