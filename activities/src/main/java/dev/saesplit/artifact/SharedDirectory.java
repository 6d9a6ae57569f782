package dev.saesplit.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory every machine mounts at the same path (NFS, Lustre, a cluster's shared scratch). A file is copied
 * under a temporary name and renamed into place, so no reader ever opens half of one.
 */
public final class SharedDirectory implements SharedStorage {

    private final Path root;

    public SharedDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void put(String path, Path file) throws IOException {
        Path target = resolve(path);
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), StagedDirectory.PREFIX + target.getFileName() + "-", "");
        try {
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            StagedDirectory.moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public boolean get(String path, Path file) throws IOException {
        try {
            Files.copy(resolve(path), file, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public List<Entry> list(String directory) throws IOException {
        Path dir = resolve(directory);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (name.startsWith(StagedDirectory.PREFIX)) {
                    continue; // a copy in progress is not in the store yet
                }
                try {
                    boolean isDirectory = Files.isDirectory(child);
                    entries.add(new Entry(name, isDirectory, isDirectory ? 0 : Files.size(child)));
                } catch (NoSuchFileException deletedMeanwhile) {
                    // another machine pruned it while this one listed
                }
            }
        }
        return entries;
    }

    @Override
    public void delete(String path) throws IOException {
        StagedDirectory.deleteTree(resolve(path));
    }

    @Override
    public String uri(String path) {
        // A directory that exists gets a trailing slash from toUri; the recorded form never has one.
        return resolve(path).toUri().toString().replaceAll("/+$", "");
    }

    @Override
    public Optional<String> pathOf(String uri) {
        if (!uri.startsWith("file:")) {
            return Optional.empty();
        }
        Path path = Path.of(URI.create(uri)).normalize();
        return path.startsWith(root) && !path.equals(root)
                ? Optional.of(root.relativize(path).toString().replace('\\', '/'))
                : Optional.empty();
    }

    @Override
    public String describe() {
        return "shared directory " + root;
    }

    private Path resolve(String path) {
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root)) {
            throw new UncheckedIOException(new IOException("path " + path + " leaves the shared directory " + root));
        }
        return resolved;
    }
}
