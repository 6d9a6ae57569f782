package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.store.DatabaseUnavailableException;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Content-addressed activity outputs in a local directory ({@code <root>/<kind>/<key>/}), recorded in
 * PostgreSQL's {@code artifacts} table. An output is written to a staging directory and renamed into place
 * only when complete, so a crash never leaves a half-written artifact where a reader would find it.
 */
public final class ArtifactStore {

    /** Writes an output's files into an empty directory. */
    @FunctionalInterface
    public interface Producer {
        void writeInto(Path directory) throws IOException;
    }

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
        ArtifactRef ref = new ArtifactRef(kind, key, target.toUri().toString(), DirectoryDigest.of(target));
        record(ref, sizeOf(target), provenance);
        return ref;
    }

    /** The recorded output of {@code kind} with {@code key}, if it is recorded and still on disk. */
    public Optional<ArtifactRef> find(String kind, String key) {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT uri, content_hash FROM artifacts WHERE kind = ? AND output_key = ?")) {
            select.setString(1, kind);
            select.setString(2, key);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ArtifactRef ref = new ArtifactRef(kind, key, rs.getString(1), rs.getString(2));
                Path dir = Path.of(URI.create(ref.uri()));
                if (!Files.isDirectory(dir)) {
                    return Optional.empty();
                }
                confine(root, dir); // a recorded location is reused only inside this store
                return Optional.of(ref);
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot look up artifact " + kind + "/" + key + ": "
                    + e.getMessage(), e);
        }
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
        try {
            Files.createDirectories(target.getParent());
            Path staging = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
            try {
                producer.writeInto(staging);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                deleteTree(staging); // another attempt finished the same output first; outputs are interchangeable
            } finally {
                if (Files.exists(staging)) {
                    deleteTree(staging);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact " + target, e);
        }
    }

    private void record(ArtifactRef ref, long size, Provenance provenance) {
        try (Connection c = database.getConnection();
             PreparedStatement upsert = c.prepareStatement("""
                     INSERT INTO artifacts (kind, output_key, uri, content_hash, size_bytes, producer, experiment_id,
                                            run_id)
                     VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM experiments WHERE name = ?), ?)
                     ON CONFLICT (kind, output_key) DO UPDATE SET uri = EXCLUDED.uri,
                         content_hash = EXCLUDED.content_hash, size_bytes = EXCLUDED.size_bytes""")) {
            upsert.setString(1, ref.kind());
            upsert.setString(2, ref.key());
            upsert.setString(3, ref.uri());
            upsert.setString(4, ref.contentHash());
            upsert.setLong(5, size);
            upsert.setString(6, provenance.producer());
            upsert.setString(7, provenance.experiment());
            upsert.setString(8, provenance.runId());
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot record artifact " + ref.kind() + "/" + ref.key() + ": "
                    + e.getMessage(), e);
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
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
