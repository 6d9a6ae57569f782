package dev.saesplit.lm.dataset;

import dev.saesplit.digest.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files a document source reads: one file, or every file under a folder whose name ends with one of the
 * extensions, in sorted order of their paths relative to the folder (with '/' separators, so the order is the same
 * on every operating system).
 *
 * @param root  the file or folder given
 * @param files the files, in reading order
 */
record SourceFiles(Path root, List<Path> files) {

    SourceFiles {
        files = List.copyOf(files);
    }

    static SourceFiles find(Path root, Set<String> extensions) {
        return find(root, extensions, Set.of());
    }

    /** As {@link #find(Path, Set)}, skipping every file inside a folder named one of {@code excludedFolders}. */
    static SourceFiles find(Path root, Set<String> extensions, Set<String> excludedFolders) {
        if (Files.isRegularFile(root)) {
            return new SourceFiles(root, List.of(root));
        }
        if (!Files.isDirectory(root)) {
            throw new DocumentFormatException(root, "no such file or directory");
        }
        List<Path> found;
        try (Stream<Path> walk = Files.walk(root)) {
            found = walk.filter(Files::isRegularFile)
                    .filter(file -> hasExtension(file, extensions))
                    .filter(file -> !inExcludedFolder(root, file, excludedFolders))
                    .sorted(Comparator.comparing(file -> relativeName(root, file)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        if (found.isEmpty()) {
            throw new DocumentFormatException(root, "holds no files ending in " + extensions.stream().sorted()
                    .toList());
        }
        return new SourceFiles(root, found);
    }

    /** The name of {@code file} as the identity and the order see it. */
    String nameOf(Path file) {
        return files.size() == 1 && file.equals(root) ? file.getFileName().toString() : relativeName(root, file);
    }

    /**
     * {@code kind} and its settings, then the files' names and sizes and a SHA-256 over names, sizes and contents.
     * Names are listed only for a few files, so an identity stays short for a folder of thousands; the hash
     * covers all of them.
     */
    String identity(String kindAndSettings) {
        StringBuilder manifest = new StringBuilder();
        long bytes = 0;
        try {
            for (Path file : files) {
                long size = Files.size(file);
                bytes += size;
                manifest.append(nameOf(file)).append('\t').append(size).append('\t')
                        .append(Sha256.ofFile(file)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash the files under " + root, e);
        }
        String names = files.size() <= 3
                ? String.join(",", files.stream().map(this::nameOf).toList())
                : nameOf(files.get(0)) + ",...," + nameOf(files.get(files.size() - 1));
        return kindAndSettings + " files=" + files.size() + "[" + names + "] bytes=" + bytes
                + " sha256=" + Sha256.ofText(manifest.toString());
    }

    private static boolean inExcludedFolder(Path root, Path file, Set<String> excludedFolders) {
        Path relative = root.relativize(file).getParent();
        if (relative == null) {
            return false;
        }
        for (Path folder : relative) {
            if (excludedFolders.contains(folder.toString())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasExtension(Path file, Set<String> extensions) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return extensions.stream().anyMatch(extension -> name.endsWith(extension.toLowerCase(Locale.ROOT)));
    }

    private static String relativeName(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
