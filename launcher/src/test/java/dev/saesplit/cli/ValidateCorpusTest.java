package dev.saesplit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file of a corpus generated at test time goes through {@code saesplit validate} exactly as a user runs
 * it: each bad spec exits 2 with a message naming the file and, unless the file itself is the problem, the
 * line, column and field; each valid one exits 0; none prints a stack trace, fails unexpectedly, or takes
 * more than a few seconds. No server is started: validation touches none.
 */
class ValidateCorpusTest {

    private static final long PER_FILE_SECONDS = 5;
    private static final Pattern TRACE = Pattern.compile("\\n\\s+at [\\w.$]+\\(|Exception|Error:");

    @TempDir
    Path dir;

    @Test
    void validateRejectsEveryHostileSpecWithALocatedMessageAndAcceptsEveryValidOne() throws Exception {
        List<CorpusCase> corpus = new ArrayList<>(new SpecCorpus(dir).generate());
        corpus.addAll(new FileCorpus(dir.resolve("files").toFile().mkdirs() ? dir.resolve("files") : dir).generate());
        Map<String, int[]> byKind = new TreeMap<>();
        TreeMap<Long, String> slowest = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor(daemon());
        long start = System.nanoTime();
        try {
            for (CorpusCase c : corpus) {
                byKind.computeIfAbsent(c.kind(), k -> new int[1])[0]++;
                long caseStart = System.nanoTime();
                String failure = judge(c, pool);
                slowest.put(System.nanoTime() - caseStart, c.kind() + " " + c.spec());
                if (slowest.size() > 3) {
                    slowest.pollFirstEntry();
                }
                if (failure != null) {
                    failures.add(c.kind() + " " + c.spec() + ": " + failure);
                    if (failure.startsWith("hung")) {
                        pool.shutdownNow();
                        pool = Executors.newSingleThreadExecutor(daemon());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long valid = corpus.stream().filter(CorpusCase::valid).count();
        StringBuilder summary = new StringBuilder(String.format("validate corpus: %d files (%d valid, %d bad) in "
                + "%.1f s, %d failures; by class:", corpus.size(), valid, corpus.size() - valid, seconds,
                failures.size()));
        byKind.forEach((kind, count) -> summary.append(' ').append(kind).append('=').append(count[0]));
        summary.append("; slowest:");
        slowest.descendingMap().forEach((nanos, name) -> summary.append(String.format(" %.2f s %s", nanos / 1e9,
                name.substring(name.lastIndexOf('/') + 1))));
        System.out.println(summary);

        assertTrue(corpus.size() >= 300, summary.toString());
        assertTrue(failures.isEmpty(), summary + "\n" + String.join("\n", failures.subList(0,
                Math.min(failures.size(), 60))));
        assertTrue(seconds < 60, summary.toString());
    }

    /** {@code null} when validate did what {@code c} requires; otherwise what went wrong. */
    private static String judge(CorpusCase c, ExecutorService pool) throws Exception {
        Future<CliRun> future = pool.submit(() -> CliRun.of(Map.of(), "validate", c.spec()));
        CliRun run;
        try {
            run = future.get(PER_FILE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return "hung for more than " + PER_FILE_SECONDS + " s";
        }
        String err = run.err();
        if (TRACE.matcher(err).find()) {
            return "printed a stack trace or exception type: " + abbreviate(err);
        }
        if ((err + run.out()).contains(CorpusCase.SECRET)) {
            return "printed content of a file it did not parse as a spec";
        }
        if (c.valid()) {
            return run.exitCode() == 0 ? null : "valid spec rejected (exit " + run.exitCode() + "): " + abbreviate(err);
        }
        if (run.exitCode() != 2) {
            return "exit " + run.exitCode() + " instead of 2: " + abbreviate(err + run.out());
        }
        String file = Pattern.quote(c.spec().replace("\0", "\\0"));
        Pattern located = Pattern.compile((c.fileLevel() ? file + "(:\\d+:\\d+)?: " : file + ":[1-9]\\d*:[1-9]\\d*: ")
                + (c.field().isEmpty() ? "" : ".*" + Pattern.quote(c.field())), Pattern.DOTALL);
        return located.matcher(err.replace("\0", "\\0")).find() ? null : "message not located"
                + (c.field().isEmpty() ? "" : " at " + c.field()) + ": " + abbreviate(err);
    }

    private static String abbreviate(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "…";
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return task -> {
            Thread thread = new Thread(task, "validate-corpus");
            thread.setDaemon(true);
            return thread;
        };
    }
}
