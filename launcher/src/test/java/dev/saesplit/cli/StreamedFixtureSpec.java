package dev.saesplit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The streamed twin of {@code experiments/lm-fixture.yaml}: the same experiment under another name, with
 * {@code stream: true} and {@code extra} lines added to its activations, written into {@code dir} with the fixture
 * paths made absolute.
 */
final class StreamedFixtureSpec {

    static final Path CACHED = Path.of("..", "experiments", "lm-fixture.yaml");

    private StreamedFixtureSpec() {
    }

    static Path write(Path dir, String name, String extra) throws IOException {
        String text = Files.readString(CACHED);
        String activities = CACHED.toAbsolutePath().getParent().resolve("../activities").normalize() + "/";
        String twin = text.replace("name: lm-fixture\n", "name: " + name + "\n")
                .replace("  batch_size: 16\n", "  batch_size: 16\n" + extra)
                .replace("../activities/", activities);
        if (twin.equals(text) || !twin.contains(extra)) {
            throw new IllegalStateException("experiments/lm-fixture.yaml no longer has the lines its twin changes");
        }
        return Files.writeString(dir.resolve(name + ".yaml"), twin);
    }
}
