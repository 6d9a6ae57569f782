package dev.saesplit.artifact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagedDirectoryTest {

    @TempDir
    Path root;

    @Test
    void aCommittedDirectoryHoldsItsFilesAndLeavesNoTemporaryOrLockBehind() throws Exception {
        Path target = root.resolve("kind").resolve("key");
        try (StagedDirectory staging = StagedDirectory.create(target.getParent(), "key")) {
            Files.writeString(staging.directory().resolve("cfg.json"), "{}");
            assertTrue(staging.commit(target));
        }

        assertEquals("{}", Files.readString(target.resolve("cfg.json")));
        assertEquals(List.of("key"), names(target.getParent()));
    }

    @Test
    void aSecondWriterOfTheSameOutputKeepsTheFirstAndDropsItsOwnCopy() throws Exception {
        Path target = root.resolve("key");
        Files.createDirectories(target);
        Files.writeString(target.resolve("first"), "1");
        try (StagedDirectory staging = StagedDirectory.create(root, "key")) {
            Files.writeString(staging.directory().resolve("second"), "2");
            assertFalse(staging.commit(target));
        }

        assertEquals(List.of("first"), names(target));
        assertEquals(List.of("key"), names(root));
    }

    @Test
    void theStagingOfAKilledWriterIsRemovedOnStartWhileALiveWritersIsLeftAlone() throws Exception {
        Path parent = root.resolve("work").resolve("sae").resolve("k").resolve("checkpoints");
        Files.createDirectories(parent);
        Path killed = parent.resolve(".tmp-step-000000000004-123");
        Files.createDirectories(killed);
        Files.writeString(killed.resolve("sae_weights.safetensors"), "half written");
        Path killedLock = parent.resolve(".tmp-step-000000000004-123.lock");
        Files.createFile(killedLock);
        Process writer = lockInAnotherProcess(killedLock);
        try (StagedDirectory live = StagedDirectory.create(parent, "step-000000000008")) {
            assertEquals(List.of(), StagedDirectory.removeStale(root, 5),
                    "the other process and this one both still hold their locks");

            writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertEquals(List.of(killed), StagedDirectory.removeStale(root, 5));

            assertFalse(Files.exists(killed) || Files.exists(killedLock), "the killed write is gone");
            assertTrue(Files.isDirectory(live.directory()), "the live write is untouched");
            Files.writeString(live.directory().resolve("trainer_state.json"), "{}");
            assertTrue(live.commit(parent.resolve("step-000000000008")), "and still completes");
        }
        assertEquals(List.of("step-000000000008"), names(parent));
    }

    @Test
    void aStagingDirectoryWithoutALockIsRemovedOnlyOnceItIsOld() throws Exception {
        Path legacy = root.resolve(".tmp-key-1");
        Files.createDirectories(legacy);

        assertEquals(List.of(), StagedDirectory.removeStale(root, 2), "it may be a writer that just started");
        Files.setLastModifiedTime(legacy, java.nio.file.attribute.FileTime.fromMillis(0));
        assertEquals(List.of(legacy), StagedDirectory.removeStale(root, 2));
    }

    /** A process that holds a POSIX (fcntl) lock on {@code file}, as a saesplit writer does, until it is killed. */
    private static Process lockInAnotherProcess(Path file) throws Exception {
        Process process = new ProcessBuilder("python3", "-c", """
                import fcntl, sys, time
                f = open(sys.argv[1], 'r+')
                fcntl.lockf(f, fcntl.LOCK_EX)
                print('locked', flush=True)
                time.sleep(120)
                """, file.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine());
        return process;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
