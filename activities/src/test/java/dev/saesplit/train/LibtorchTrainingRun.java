package dev.saesplit.train;

import dev.saesplit.data.BatchStream;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Trains a small SAE for a fixed number of steps on the dense path (every product in libtorch) and writes its
 * final weights, raw, to the file named by the first argument; prints the libtorch directory the engine loaded.
 * Run in a JVM of its own by {@link PypiLibtorchTrainingTest}, since DJL loads one libtorch per JVM.
 */
public final class LibtorchTrainingRun {

    static final int D_IN = 64;
    static final int D_SAE = 256;
    static final int BATCH = 512;
    static final int STEPS = 30;

    private LibtorchTrainingRun() {
    }

    public static void main(String[] args) throws IOException {
        ComputeDevice.engine();
        System.out.println("libtorch " + ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        TrainerConfig config = TrainerConfig.builder(STEPS).learningRate(3e-3).lrWarmupSteps(3)
                .sparsityCoefficient(0.2).seed(17).stepPath(StepPath.DENSE).build();
        SaeWeights initial = KaimingInitializer.initialize(
                SaeConfig.of(D_IN, D_SAE, new StandardArchitecture(), "synthetic", "planted"), 0.1, 9);
        PlantedSparseData data = new PlantedSparseData(D_IN, 48, 4096, 0.08, 10);
        SaeWeights trained;
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 11);
             SaeTrainer trainer = SaeTrainer.start(config, initial, stream, TrainingListener.NONE, Optional.empty())) {
            trainer.run();
            trained = trainer.currentWeights();
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
            for (float[] part : new float[][] {trained.encoderWeights(), trained.encoderBias(),
                    trained.decoderWeights(), trained.decoderBias()}) {
                for (float value : part) {
                    out.writeInt(Float.floatToRawIntBits(value));
                }
            }
        }
    }
}
