package dev.saesplit.cli;

import dev.saesplit.stack.TestServices;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.dataset.PythonStdlib;
import dev.saesplit.stack.LocalPostgres;
import dev.saesplit.stack.LocalStackLease;
import dev.saesplit.store.DatabaseConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LmTrainCommandTest {

    @Test
    void trainsPrintsTheLossBesideItsBaselinesAndTheFolderAndReusesItTheSecondTime() throws Exception {
        Path home = TestServices.home("lm");
        Path spec = home.resolve("lm.yaml");
        Files.writeString(spec, """
                name: json-tiny
                model: {layers: 1, d_model: 32, heads: 2, d_mlp: 64, n_ctx: 16, vocab: 256}
                dataset: {source: folder, path: %s, held_out: 0.2}
                training: {steps: 20, batch_size: 4, eval_contexts: 8}
                """.formatted(PythonStdlib.locate().resolve("json")));
        try (LocalStackLease lease = LocalStackLease.acquire(home);
             LocalPostgres postgres = LocalPostgres.startOrAttach(DatabaseConfig.local(home).localDataDir(),
                     DatabaseConfig.binaryCache())) {
            Map<String, String> env = Map.of("SAESPLIT_HOME", home.toString());

            CliRun first = CliRun.of(env, "lm", "train", spec.toString());

            assertEquals(0, first.exitCode(), first.out() + first.err());
            assertTrue(first.out().contains("step 20/20  loss "), first.out());
            assertTrue(first.out().contains("held-out baselines: unigram "), first.out());
            assertTrue(Pattern.compile("held-out loss \\d+\\.\\d{4} nats/token \\(unigram \\d+\\.\\d{4}, bigram "
                    + "\\d+\\.\\d{4}\\) on 8 held-out contexts").matcher(first.out()).find(), first.out());
            assertTrue(first.out().contains("sample: def⟨"), first.out());
            Matcher folder = Pattern.compile("(?m)^model: (.+)$").matcher(first.out());
            assertTrue(folder.find(), first.out());
            assertEquals("json-tiny", TransformerWeights.load(Path.of(folder.group(1))).config().modelName());

            CliRun second = CliRun.of(env, "lm", "train", spec.toString());
            assertEquals(0, second.exitCode(), second.out() + second.err());
            assertTrue(second.out().contains("already trained on this machine"), second.out());
            assertTrue(!second.out().contains("step 20/20"), second.out());
            assertTrue(second.out().contains("model: " + folder.group(1)), second.out());
        }
    }

    @Test
    void aBadSpecIsAUsageErrorNamingTheLineAndField(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("lm.yaml");
        Files.writeString(spec, """
                name: bad
                model: {d_model: 64, heads: 5}
                dataset: {source: python-stdlib}
                """);

        CliRun run = CliRun.of(Map.of("SAESPLIT_HOME", dir.toString()), "lm", "train", spec.toString());

        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(spec + ":2:22: model.heads: must divide d_model 64, got 5"), run.err());
    }
}
