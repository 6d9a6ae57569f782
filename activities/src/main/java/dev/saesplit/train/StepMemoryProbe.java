package dev.saesplit.train;

import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The memory a training step needs, measured in a JVM of its own: resumed from the benchmark's settled checkpoint on
 * the benchmark's rows, a trainer runs a few steps (first touch of its buffers, the JIT), then the measured steps
 * run one at a time. Three parts, summed:
 * <ul>
 *   <li>native: growth of resident memory from before the trainer was built to the peak over the measured steps.
 *       The probe's Java heap is fixed and touched in full at start ({@link #HEAP_OPTIONS}), so it is part of the
 *       baseline and this is the engine's tensors (parameters, Adam state, the path's buffers, each step's
 *       products) and the allocator's overhead;</li>
 *   <li>heap live: what the trainer keeps on the Java heap (its batch, the sparse path's host buffers), the growth
 *       of the heap's live bytes after a collection;</li>
 *   <li>step garbage: the most that one measured step allocated on the Java heap, the young generation a step
 *       needs.</li>
 * </ul>
 * The heap's resident size in a normal JVM is set by its collector's sizing (it kept garbage from reading the
 * checkpoint resident and grew eden for its own reasons), which the step does not need: counting growth of a
 * process with a resizing heap swung by hundreds of MiB from run to run.
 */
final class StepMemoryProbe {

    /** Steps before the measured ones. */
    static final int UNMEASURED_STEPS = 10;
    private static final long MIB = 1024 * 1024;
    private static final String RESULT = "step-memory ";

    /** @param nativeBytes resident growth outside the Java heap, to the measured steps' peak */
    record StepMemory(long nativeBytes, long heapLiveBytes, long stepHeapBytes) {
        long totalBytes() {
            return nativeBytes + heapLiveBytes + stepHeapBytes;
        }
    }

    private StepMemoryProbe() {
    }

    /**
     * Runs the probe in a child JVM started like this one (same class path and JVM options); empty where this
     * system does not report resident memory.
     */
    static Optional<StepMemory> measure(TrainingBenchmark.Settings settings, StepPath path, CheckpointInfo from,
                                        Path rows) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(heapOptions(settings));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StepMemoryProbe.class.getName(),
                from.directory().toString(), Long.toString(from.step()), rows.toString(), path.name(),
                Integer.toString(settings.dIn()), Integer.toString(settings.dSae()),
                Integer.toString(settings.batchSize()), Integer.toString(settings.steps()),
                Integer.toString(settings.warmupSteps()), Integer.toString(settings.maxWarmupSteps()),
                settings.data().name(), settings.architecture(), Double.toString(settings.k())));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            StringBuilder output = new StringBuilder();
            Optional<StepMemory> result = Optional.empty();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith(RESULT)) {
                        String[] parts = line.substring(RESULT.length()).trim().split(" ");
                        result = Optional.of(new StepMemory(Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                                Long.parseLong(parts[2])));
                    } else {
                        output.append(line).append('\n');
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the step-memory probe exited with " + exit + ":\n" + output);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the step-memory probe ran", e);
        }
    }

    /**
     * A fixed heap, resident from the start: room for the rows twice (read, then the stream's copy), the
     * checkpoint as read and the trainer's host buffers (together within twice the state's size), and a margin.
     * It is touched in full at start, so it is sized by the shape rather than generously.
     */
    static List<String> heapOptions(TrainingBenchmark.Settings settings) {
        long rows = 4L * TrainingBenchmark.POOL_BATCHES * settings.batchSize() * settings.dIn();
        long state = TrainingBenchmark.stateBytes(settings);
        long heap = (2 * rows + 2 * state) / MIB + 256;
        return List.of("-Xms" + heap + "m", "-Xmx" + heap + "m", "-XX:+AlwaysPreTouch");
    }

    public static void main(String[] args) {
        CheckpointInfo from = new CheckpointInfo(Path.of(args[0]), Long.parseLong(args[1]));
        Path rowsFile = Path.of(args[2]);
        StepPath path = StepPath.valueOf(args[3]);
        TrainingBenchmark.Settings settings = new TrainingBenchmark.Settings(Integer.parseInt(args[4]),
                Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]),
                Integer.parseInt(args[8]), Integer.parseInt(args[9]), TrainingBenchmark.Data.valueOf(args[10]),
                args[11], Double.parseDouble(args[12]));
        TrainingBenchmark.measureGemmGflops(settings.batchSize(), settings.dIn(), settings.dSae()); // loads the engine
        try (SyntheticBatchStream data = new SyntheticBatchStream(settings.dIn(), settings.batchSize(),
                read(rowsFile))) {
            System.gc();
            long heapBefore = heapUsed();
            OptionalLong baseline = ResidentMemory.current();
            try (SaeTrainer trainer = SaeTrainer.resume(TrainingBenchmark.config(settings, path), from, data,
                    TrainingListener.NONE, Optional.empty())) {
                trainer.runUntil(trainer.step() + UNMEASURED_STEPS);
                System.gc();
                long heapLive = heapUsed() - heapBefore;
                boolean reset = ResidentMemory.resetPeak();
                long stepHeap = 0;
                for (int i = 0; i < settings.steps(); i++) {
                    long before = allocatedBytes();
                    trainer.runUntil(trainer.step() + 1);
                    stepHeap = Math.max(stepHeap, allocatedBytes() - before);
                }
                OptionalLong peak = ResidentMemory.peak();
                if (reset && baseline.isPresent() && peak.isPresent()) {
                    System.out.println(RESULT + (peak.getAsLong() - baseline.getAsLong()) + " " + heapLive + " "
                            + stepHeap);
                }
            }
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Bytes allocated on the Java heap so far by this JVM's live threads (the step's workers included). */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, allocated); // -1 for a thread that ended meanwhile
        }
        return total;
    }

    private static float[] read(Path file) {
        MappedNpyArray array = MappedNpyArray.open(file, Set.of(NpyDtype.FLOAT32), Set.of(2));
        float[] rows = new float[Math.toIntExact(array.rows() * array.rowLength())];
        array.readFloats(0, Math.toIntExact(array.rows()), rows, 0);
        return rows;
    }
}
