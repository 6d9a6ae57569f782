package dev.saesplit.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The sparse kernels' row update in vector form gives the plain loop's bits, tails and offsets included. */
class AxpyTest {

    /** End to end, WorkerKillResumeTest's workers run without the module, so their training takes this path. */
    @Test
    void aJvmWithoutTheVectorModuleRunsThePlainLoop() {
        assertSame(Axpy.SCALAR, Axpy.choose(false));
        float[] y = {1f, 2f};
        Axpy.choose(false).apply(2f, new float[]{3f, 4f}, 0, y, 0, 2);
        assertArrayEquals(new float[]{7f, 10f}, y, 0f);
    }

    @Test
    void theVectorFormRunsInTestsAndMatchesTheScalarLoopBitForBit() {
        assertInstanceOf(VectorAxpy.class, Axpy.BEST, "tests start the JVM with jdk.incubator.vector, as "
                + "./saesplit's training commands do");
        Random random = new Random(7);
        for (int n : new int[]{1, 15, 16, 17, 64, 512, 517}) {
            float[] x = new float[n + 40];
            float[] y = new float[n + 40];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian() * 1e3f;
                y[i] = (float) random.nextGaussian();
            }
            float[] scalar = y.clone();
            float[] vector = y.clone();
            float a = (float) random.nextGaussian();
            Axpy.SCALAR.apply(a, x, 3, scalar, 11, n);
            Axpy.BEST.apply(a, x, 3, vector, 11, n);
            assertArrayEquals(scalar, vector, 0f, "n = " + n);
        }
    }
}
