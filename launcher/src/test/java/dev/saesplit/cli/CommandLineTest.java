package dev.saesplit.cli;

import dev.saesplit.stack.TestServices;
import dev.saesplit.sae.NeelSaeFormat;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.stack.LocalPostgres;
import dev.saesplit.stack.LocalStackLease;
import dev.saesplit.store.DatabaseConfig;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line against its embedded default: a real PostgreSQL whose data lives in the state directory
 * ({@code SAESPLIT_HOME}). The server is started once here; every command attaches to it as a second
 * saesplit process would.
 */
class CommandLineTest {

    private static final Path QUICKSTART = Path.of("..", "experiments", "quickstart.yaml");

    private static Path home;
    private static LocalPostgres server;
    /** This test is a user of the local stack, as a saesplit process would be: commands ending never stop it. */
    private static LocalStackLease lease;

    @BeforeAll
    static void startDatabase() throws IOException {
        // Under the system temporary directory, which PostgreSQL's unprivileged user can reach when tests run
        // as root.
        home = TestServices.home("home");
        lease = LocalStackLease.acquire(home);
        server = LocalPostgres.startOrAttach(DatabaseConfig.local(home).localDataDir(), DatabaseConfig.binaryCache());
        run("experiments"); // creates the schema, so the reset below has something to drop
    }

    /** Each test starts from an empty system of record. */
    @BeforeEach
    void forgetExperiments() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), LocalPostgres.USER, server.password())) {
            c.createStatement().execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        }
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        server.close();
        lease.close();
        PathUtils.deleteDirectory(home);
    }

    @Test
    void stackDownLeavesTheStackRunningForAProcessThatStillUsesIt() {
        CliRun down = run("stack", "down");

        assertEquals(0, down.exitCode(), down.err());
        assertTrue(down.out().contains("Temporal and PostgreSQL stay up while 1 saesplit process uses them (pid "
                + ProcessHandle.current().pid() + ")"), down.out());
        assertTrue(LocalPostgres.runningPort(DatabaseConfig.local(home).localDataDir()).isPresent());
    }

    @Test
    void submitThenTablePrintsTheQuickstartRunTableFromPostgres() throws IOException {
        CliRun submit = run("submit", QUICKSTART.toString());
        assertEquals(0, submit.exitCode(), submit.err());
        assertEquals("experiment 'quickstart' recorded: 5 runs pending\n", submit.out());

        CliRun table = run("table", "quickstart");

        assertEquals(0, table.exitCode(), table.err());
        assertEquals(Files.readString(Path.of("src/test/resources/golden/quickstart-table.md")), table.out());
    }

    @Test
    void submittingTwiceIsIdempotent() {
        String spec = QUICKSTART.toString();
        run("submit", spec);

        CliRun again = run("submit", spec);

        assertEquals(0, again.exitCode(), again.err());
        assertEquals("experiment 'quickstart' already recorded, unchanged: 5 runs pending\n", again.out());
        assertEquals(5, run("table", "quickstart", "--format", "csv").out().lines().count() - 1);
    }

    @Test
    void anInvalidSpecExitsTwoNamingLineAndFieldAndWritesNothing(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path bad = dir.resolve("broken.yaml");
        Files.writeString(bad, Files.readString(QUICKSTART).replace("name: quickstart", "name: broken")
                .replace("width: 64, seed: 1, init: random, normalised: true, data: all",
                        "width: -64, seed: 1, init: random, normalised: true, data: all"));

        int line = Files.readAllLines(bad).indexOf(Files.readAllLines(bad).stream()
                .filter(l -> l.contains("width: -64")).findFirst().orElseThrow()) + 1;

        CliRun submit = run("submit", bad.toString());

        assertEquals(2, submit.exitCode());
        assertTrue(submit.err().contains(bad + ":" + line + ":32: runs[0].width: must be in [1, 16777216], got -64"),
                submit.err());
        assertTrue(!run("experiments").out().contains("broken"), "an invalid spec must not be recorded");
    }

    @Test
    void validateUntilNarrowAcceptsASpecWithoutATargetThatAFullRunRejects(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path noTarget = dir.resolve("no-target.yaml");
        Files.writeString(noTarget, Files.readString(Path.of("src/test/resources/narrow-first.yaml"))
                .replace("target_latent: {parent: 0}\n", ""));

        CliRun full = run("validate", noTarget.toString());
        CliRun narrow = run("validate", noTarget.toString(), "--until", "narrow");
        CliRun unknownStage = run("validate", noTarget.toString(), "--until", "train");

        assertEquals(2, full.exitCode(), full.out());
        assertTrue(full.err().contains("target_latent"), full.err());
        assertEquals(0, narrow.exitCode(), narrow.err());
        assertTrue(narrow.out().contains("target latent not chosen yet"), narrow.out());
        assertEquals(2, unknownStage.exitCode());
        assertTrue(unknownStage.err().contains("expected 'narrow'"), unknownStage.err());
    }

    @Test
    void validateAcceptsTheSeedStudyOnceTheStudysSaeIsInPlaceAndNamesItUntilThen(
            @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path spec = Files.copy(Path.of("..", "experiments", "hyphen-240.yaml"), dir.resolve("hyphen-240.yaml"));
        CliRun missing = run("validate", spec.toString());
        assertEquals(2, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("narrow_sae.path") && missing.err().contains("14.pt"), missing.err());

        // A stand-in of the study's 512-latent SAE on gelu-1l's 512-d MLP output, in its format.
        SaeConfig shape = SaeConfig.of(512, 512, new StandardArchitecture(), "gelu-1l", "blocks.0.hook_mlp_out");
        NeelSaeFormat.write(Files.createDirectories(dir.resolve("saes/hyphen-240")).resolve("14.pt"),
                new SaeWeights(shape, new float[512 * 512], new float[512], new float[512 * 512], new float[512]));
        CliRun validate = run("validate", spec.toString());

        assertEquals(0, validate.exitCode(), validate.err());
        assertTrue(validate.out().contains("experiment 'hyphen-240'"), validate.out());
        assertTrue(validate.out().contains("12 runs"), validate.out());
        assertTrue(validate.out().contains("model activations (gelu-1l at blocks.0.hook_mlp_out, weight_processing "
                + "from-pretrained, streamed with buffer_tokens 262144)"), validate.out());
    }

    @Test
    void anUnknownExperimentIsAUsageErrorWithAReadableMessage() {
        CliRun table = run("table", "no-such-experiment");

        assertEquals(2, table.exitCode());
        assertEquals("saesplit table: no experiment named 'no-such-experiment' has been submitted; "
                + "'saesplit experiments' lists those that have\n", table.err());
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        CliRun table = run("table", "quickstart", "--format", "xml");

        assertEquals(2, table.exitCode());
        assertTrue(table.err().contains("expected md, csv or json, got 'xml'"), table.err());
    }

    @Test
    void reportingAnExperimentThatNeverReachedItsReportStageIsAUsageErrorSayingHowToFinishIt() {
        run("submit", QUICKSTART.toString());

        CliRun report = run("report", "quickstart");

        assertEquals(2, report.exitCode(), report.err());
        assertTrue(report.err().contains("experiment 'quickstart' has not reached its report stage; 'saesplit run' "
                + "finishes it"), report.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"validate", "submit", "table", "report", "experiments"})
    void everyCommandExplainsItselfWithHelp(String command) {
        CliRun help = run(command, "--help");

        assertEquals(0, help.exitCode());
        assertTrue(help.out().startsWith("Usage: saesplit " + command), help.out());
    }

    private static CliRun run(String... args) {
        return CliRun.of(Map.of("SAESPLIT_HOME", home.toString()), args);
    }
}
