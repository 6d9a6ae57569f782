package dev.saesplit.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of one piece of work as published to the shared store
 * ({@code work/<kind>/<key>/checkpoints/step-<12 digits>-<random>}), so that an attempt retried on another machine,
 * with an empty local directory, resumes where the last one got to. The newest {@code keep} are kept.
 */
public final class PublishedCheckpoints {

    /** A published checkpoint: its training step and its name in the store. */
    public record Published(long step, String name) {
    }

    private static final System.Logger LOG = System.getLogger(PublishedCheckpoints.class.getName());
    private static final Pattern NAME = Pattern.compile("step-(\\d{12})-[0-9a-f]{16}");

    private final SharedUploads uploads;
    private final String location;
    private final int keep;

    PublishedCheckpoints(SharedUploads uploads, String location, int keep) {
        this.uploads = uploads;
        this.location = location;
        this.keep = keep;
    }

    /** Publishes the complete local checkpoint {@code directory} of {@code step}, then drops older ones. */
    public void publish(Path directory, long step) {
        String name = SharedUploads.uniqueName(String.format("step-%012d", step));
        try {
            uploads.publish(directory, location, name, DirectoryDigest.of(directory));
            List<Published> all = all();
            for (int i = 0; i < all.size() - keep; i++) {
                uploads.withdraw(location, all.get(i).name());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish checkpoint " + directory + " to "
                    + uploads.storage().uri(location), e);
        }
        LOG.log(System.Logger.Level.DEBUG, "published checkpoint step {0} as {1}", step,
                uploads.storage().uri(location + "/" + name));
    }

    /** The newest published checkpoint, if any. */
    public Optional<Published> latest() {
        try {
            List<Published> all = all();
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints at " + uploads.storage().uri(location), e);
        }
    }

    /** Downloads {@code checkpoint} into the empty directory {@code into}, checked against its content hash. */
    public void download(Published checkpoint, Path into) {
        try {
            SharedUploads.Manifest manifest = uploads.manifest(location, checkpoint.name())
                    .orElseThrow(() -> new IOException("checkpoint " + checkpoint.name() + " was withdrawn"));
            uploads.download(location, checkpoint.name(), manifest, into);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download checkpoint " + uploads.storage().uri(location + "/"
                    + checkpoint.name()), e);
        }
        LOG.log(System.Logger.Level.INFO, "resuming from checkpoint step {0} downloaded from {1}", checkpoint.step(),
                uploads.storage().uri(location + "/" + checkpoint.name()));
    }

    /** Withdraws every published checkpoint: the work they belong to is finished. */
    public void clear() {
        try {
            for (Published p : all()) {
                uploads.withdraw(location, p.name());
            }
            uploads.storage().delete(location);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the checkpoints at " + uploads.storage().uri(location), e);
        }
    }

    private List<Published> all() throws IOException {
        return uploads.published(location).stream().map(NAME::matcher).filter(Matcher::matches)
                .map(m -> new Published(Long.parseLong(m.group(1)), m.group()))
                .sorted(Comparator.comparingLong(Published::step)).toList();
    }
}
