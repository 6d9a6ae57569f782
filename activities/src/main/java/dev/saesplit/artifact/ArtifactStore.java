package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.store.DatabaseUnavailableException;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Content-addressed activity outputs in a local directory ({@code <root>/<kind>/<key>/}), recorded in
 * PostgreSQL's {@code artifacts} table with their content hash and a cheap fingerprint ({@link DirectoryDigest}).
 * An output is written to a {@link StagedDirectory}, fsynced and renamed into place only when complete, so a
 * crash never leaves a half-written artifact where a reader would find it. Before a recorded output is reused
 * its fingerprint is checked; one that no longer matches is removed and produced again.
 */
public final class ArtifactStore {

    /** Writes an output's files into an empty directory. */
    @FunctionalInterface
    public interface Producer {
        void writeInto(Path directory) throws IOException;
    }

    private static final System.Logger LOG = System.getLogger(ArtifactStore.class.getName());
    /** Deep enough to reach checkpoint staging: {@code work/<kind>/<key>/checkpoints/.tmp-…}. */
    private static final int STAGING_DEPTH = 5;

    private final Path root;
    private final DataSource database;

    public ArtifactStore(Path root, DataSource database) {
        this.root = root.toAbsolutePath().normalize();
        this.database = database;
    }

    /** The store every saesplit process of one installation shares: {@code artifacts/} in its state directory. */
    public static ArtifactStore inStateDirectory(Path stateDir, DataSource database) {
        return new ArtifactStore(stateDir.resolve("artifacts"), database);
    }

    /**
     * The recorded output of {@code kind} with {@code key}, producing and recording it first if there is none.
     *
     * @param provenance who produced it, for people reading the database ({@code experiment}, {@code run})
     */
    public ArtifactRef getOrProduce(String kind, String key, Provenance provenance, Producer producer) {
        Optional<ArtifactRef> existing = find(kind, key);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path target = root.resolve(kind).resolve(key);
        if (!Files.isDirectory(target)) {
            write(target, producer);
        }
        // A directory here that is not recorded was renamed into place complete by an attempt that stopped
        // before recording it; staging guarantees it is whole.
        ArtifactRef ref = new ArtifactRef(kind, key, target.toUri().toString(), DirectoryDigest.of(target));
        record(ref, DirectoryDigest.quick(target), sizeOf(target), provenance);
        return ref;
    }

    /**
     * The recorded output of {@code kind} with {@code key}, if it is recorded and its directory is inside this store,
     * without the fingerprint check of {@link #find}: for a caller that verifies the content itself and can repair
     * part of it (an activation cache checks every shard against its checksum and rebuilds from the first bad one,
     * where {@code find} would discard the whole cache).
     */
    public Optional<ArtifactRef> findForRepair(String kind, String key) {
        Optional<ArtifactRef> ref = lookUp(kind, key).map(Recorded::ref);
        if (ref.isEmpty()) {
            return Optional.empty();
        }
        Path dir = Path.of(URI.create(ref.get().uri()));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        confine(root, dir);
        return ref;
    }

    /**
     * The recorded output of {@code kind} with {@code key}, if it is recorded, still on disk and still matches its
     * fingerprint. One that does not match is removed (and its record forgotten), so the caller produces it again.
     */
    public Optional<ArtifactRef> find(String kind, String key) {
        Optional<Recorded> recorded = lookUp(kind, key);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        ArtifactRef ref = recorded.get().ref();
        Path dir = Path.of(URI.create(ref.uri()));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        confine(root, dir); // a recorded location is reused only inside this store
        String quick = DirectoryDigest.quick(dir);
        if (recorded.get().quickDigest() == null) {
            // Recorded before fingerprints existed: check the full hash once, then keep the fingerprint.
            if (DirectoryDigest.of(dir).equals(ref.contentHash())) {
                updateQuickDigest(ref, quick);
                return Optional.of(ref);
            }
        } else if (quick.equals(recorded.get().quickDigest())) {
            return Optional.of(ref);
        }
        LOG.log(System.Logger.Level.WARNING, "artifact {0}/{1} at {2} no longer matches what was recorded; "
                + "removing it so it is produced again", kind, key, dir);
        discard(ref, dir);
        return Optional.empty();
    }

    /**
     * Recomputes the full content hash of every recorded artifact (of {@code experiment}, when given) and compares
     * it with the recorded one. Reads every byte: what {@code saesplit verify} runs.
     */
    public List<ArtifactCheck> verify(Optional<String> experiment) {
        List<ArtifactCheck> checks = new ArrayList<>();
        for (Recorded recorded : recorded(experiment)) {
            ArtifactRef ref = recorded.ref();
            Path dir = Path.of(URI.create(ref.uri()));
            if (!Files.isDirectory(dir)) {
                checks.add(new ArtifactCheck(ref, dir, ArtifactCheck.Status.MISSING, "the directory is gone"));
                continue;
            }
            String actual = DirectoryDigest.of(dir);
            checks.add(actual.equals(ref.contentHash())
                    ? new ArtifactCheck(ref, dir, ArtifactCheck.Status.OK, "")
                    : new ArtifactCheck(ref, dir, ArtifactCheck.Status.MISMATCH,
                    "content hash " + actual + ", recorded " + ref.contentHash()));
        }
        return checks;
    }

    /**
     * Deletes staging directories left by writes whose process died (see {@link StagedDirectory#removeStale});
     * writes in progress, here or in another process, are left alone. Run when a worker starts.
     */
    public List<Path> removeStaleStaging() {
        List<Path> removed = StagedDirectory.removeStale(root, STAGING_DEPTH);
        for (Path dir : removed) {
            LOG.log(System.Logger.Level.INFO, "removed the unfinished write {0}", dir);
        }
        return removed;
    }

    /**
     * The directory of {@code ref}, which must exist and, symlinks resolved, still be {@code <kind>/<key>} of a
     * store: an artifact directory replaced by a link to elsewhere is refused rather than read.
     */
    public static Path directory(ArtifactRef ref) {
        Path dir = Path.of(URI.create(ref.uri()));
        if (!Files.isDirectory(dir)) {
            throw new ArtifactCorruptException(dir, ref.kind() + " " + ref.key(), "the artifact directory is gone");
        }
        try {
            Path real = dir.toRealPath();
            if (!real.endsWith(Path.of(ref.kind(), ref.key()))) {
                throw new ArtifactOutsideRootException(dir, real, dir.getParent().getParent());
            }
        } catch (IOException e) {
            throw new ArtifactCorruptException(dir, ref.kind() + " " + ref.key(), "it cannot be resolved: "
                    + e.getMessage());
        }
        return dir;
    }

    /**
     * A durable scratch directory for the work that will produce {@code kind}/{@code key} (checkpoints live
     * here), the same for every attempt on this machine.
     */
    public Path workDirectory(String kind, String key) {
        Path dir = root.resolve("work").resolve(kind).resolve(key);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory " + dir, e);
        }
    }

    /** Removes a finished output's scratch directory. */
    public void clearWorkDirectory(String kind, String key) {
        deleteTree(root.resolve("work").resolve(kind).resolve(key));
    }

    public Path root() {
        return root;
    }

    /**
     * {@code path} with every symlink resolved, if that lies inside {@code root} (also resolved); otherwise an
     * {@link ArtifactOutsideRootException}. A path that does not exist is refused as missing.
     */
    public static Path confine(Path root, Path path) {
        Path realRoot;
        Path real;
        try {
            // A root not made yet holds nothing; comparing with its plain form refuses everything, as it should.
            realRoot = Files.exists(root) ? root.toRealPath() : root.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new ArtifactCorruptException(root, "artifact root", "it cannot be resolved: " + e.getMessage());
        }
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new ArtifactCorruptException(path, "artifact", "it cannot be resolved: " + e.getMessage());
        }
        if (!real.startsWith(realRoot)) {
            throw new ArtifactOutsideRootException(path, real, realRoot);
        }
        return real;
    }

    private void write(Path target, Producer producer) {
        // A second writer of the same output loses the rename and drops its copy: outputs are interchangeable.
        try (StagedDirectory staging = StagedDirectory.create(target.getParent(), target.getFileName().toString())) {
            producer.writeInto(staging.directory());
            staging.commit(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact " + target, e);
        }
    }

    private void record(ArtifactRef ref, String quickDigest, long size, Provenance provenance) {
        update("record artifact " + ref.kind() + "/" + ref.key(), """
                INSERT INTO artifacts (kind, output_key, uri, content_hash, quick_digest, size_bytes, producer,
                                       experiment_id, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM experiments WHERE name = ?), ?)
                ON CONFLICT (kind, output_key) DO UPDATE SET uri = EXCLUDED.uri,
                    content_hash = EXCLUDED.content_hash, quick_digest = EXCLUDED.quick_digest,
                    size_bytes = EXCLUDED.size_bytes""",
                ref.kind(), ref.key(), ref.uri(), ref.contentHash(), quickDigest, size, provenance.producer(),
                provenance.experiment(), provenance.runId());
    }

    private void updateQuickDigest(ArtifactRef ref, String quickDigest) {
        update("record the fingerprint of " + ref.kind() + "/" + ref.key(),
                "UPDATE artifacts SET quick_digest = ? WHERE kind = ? AND output_key = ?",
                quickDigest, ref.kind(), ref.key());
    }

    /** Forgets a corrupted artifact and deletes its directory, so the next request produces it afresh. */
    private void discard(ArtifactRef ref, Path dir) {
        update("forget artifact " + ref.kind() + "/" + ref.key(),
                "DELETE FROM artifacts WHERE kind = ? AND output_key = ?", ref.kind(), ref.key());
        try {
            StagedDirectory.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the corrupted artifact " + dir, e);
        }
    }

    private record Recorded(ArtifactRef ref, String quickDigest) {
    }

    private Optional<Recorded> lookUp(String kind, String key) {
        List<Recorded> found = query("look up artifact " + kind + "/" + key, """
                SELECT kind, output_key, uri, content_hash, quick_digest FROM artifacts
                WHERE kind = ? AND output_key = ?""", kind, key);
        return found.stream().findFirst();
    }

    private List<Recorded> recorded(Optional<String> experiment) {
        return experiment.isPresent()
                ? query("list the artifacts of " + experiment.get(), """
                        SELECT kind, output_key, uri, content_hash, quick_digest FROM artifacts
                        WHERE experiment_id = (SELECT id FROM experiments WHERE name = ?)
                        ORDER BY kind, output_key""", experiment.get())
                : query("list the artifacts", """
                        SELECT kind, output_key, uri, content_hash, quick_digest FROM artifacts
                        ORDER BY kind, output_key""");
    }

    private List<Recorded> query(String what, String sql, Object... values) {
        try (Connection c = database.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                select.setObject(i + 1, values[i]);
            }
            List<Recorded> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Recorded(new ArtifactRef(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4)), rs.getString(5)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private void update(String what, String sql, Object... values) {
        try (Connection c = database.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            StagedDirectory.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
