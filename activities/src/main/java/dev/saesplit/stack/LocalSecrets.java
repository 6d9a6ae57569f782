package dev.saesplit.stack;

import dev.saesplit.store.DatabaseUnavailableException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that only the user running saesplit may touch: the local PostgreSQL password (generated once, mode
 * 0600) and the directories saesplit runs programs from. Each is checked before use, so a file another local
 * user planted or can write is refused with a message that names it, never trusted.
 */
public final class LocalSecrets {

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS_WRITE =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS_ANY = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private LocalSecrets() {
    }

    /** The password in {@code file}, created with a fresh random one (mode 0600) if there is none yet. */
    static String passwordIn(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // Another saesplit process created it first; read theirs.
                }
            }
            requirePrivate(file);
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw new DatabaseUnavailableException(file + " holds no password; restore it, or delete the "
                        + "state directory's postgres/ to start from an empty database");
            }
            return password;
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot read or create the local PostgreSQL password file "
                    + file + ": " + e.getMessage(), e);
        }
    }

    /** A regular file of this user's that nobody else can read or write. */
    static void requirePrivate(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new DatabaseUnavailableException(file + " must be a regular file (not a link or directory)");
        }
        requireOwned(file);
        Set<PosixFilePermission> loose = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        loose.retainAll(GROUP_OR_OTHERS_ANY);
        if (!loose.isEmpty()) {
            throw new DatabaseUnavailableException(file + " holds a password but others may access it (mode "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))
                    + "); run: chmod 600 " + file);
        }
    }

    /**
     * A file or directory of this user's that no one else can write: safe to run programs from. A directory of
     * this user's left group-writable (a loose umask) is tightened rather than refused: what lies in it is checked
     * file by file anyway.
     */
    static void requireNotWritableByOthers(Path path) throws IOException {
        requireOwned(path);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (perms.removeAll(GROUP_OR_OTHERS_WRITE)) {
                Files.setPosixFilePermissions(path, perms);
            }
        }
        Set<PosixFilePermission> loose = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        loose.retainAll(GROUP_OR_OTHERS_WRITE);
        if (!loose.isEmpty()) {
            throw new DatabaseUnavailableException(path + " may be written by other users (mode "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS))
                    + "), so saesplit will not run PostgreSQL from it; delete it and run again");
        }
    }

    private static void requireOwned(Path path) throws IOException {
        int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int me = currentUid();
        if (owner != me) {
            throw new DatabaseUnavailableException(path + " belongs to uid " + owner + ", not to you (uid " + me
                    + "); saesplit will not trust it: delete it, or set SAESPLIT_HOME to a directory of your own");
        }
    }

    /** The uid of the user running saesplit, which owns every file saesplit trusts. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new DatabaseUnavailableException("cannot tell which user runs saesplit: " + e.getMessage(), e);
        }
    }
}
