package dev.saesplit.train;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code y[yo .. yo+n) += a · x[xo .. xo+n)}, the inner loop of the sparse backward pass's decoder forward and
 * gradient scatters. The JIT leaves the plain loop scalar (it cannot rule out that {@code x} and {@code y} are one
 * array), so where the JVM was started with {@code --add-modules jdk.incubator.vector} (as {@code ./saesplit}'s
 * training commands and the tests are) a vector form runs instead, measured 2.6× faster on the scatter of a
 * TopK step (d_in 512, d_sae 4096, 4096 tokens, k 32). Both multiply, round, then add, element by element, so
 * they give the same bits: a run's results do not depend on which of them a machine has.
 */
abstract class Axpy {

    private static final Logger LOG = Logger.getLogger(Axpy.class.getName());

    /** The plain loop, always available (declared first: {@link #BEST} may be it). */
    static final Axpy SCALAR = new Axpy() {
        @Override
        void apply(float a, float[] x, int xo, float[] y, int yo, int n) {
            for (int i = 0; i < n; i++) {
                y[yo + i] += a * x[xo + i];
            }
        }

        @Override
        String name() {
            return "scalar (the JVM lacks jdk.incubator.vector; ./saesplit bench starts it with the module)";
        }
    };

    /** The fastest form this JVM can run. */
    static final Axpy BEST = choose(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());

    abstract void apply(float a, float[] x, int xo, float[] y, int yo, int n);

    /** Which form this is, for the benchmark's report. */
    abstract String name();

    /** The vector form where {@code vectorModule} says the JVM has its module, the plain loop otherwise. */
    static Axpy choose(boolean vectorModule) {
        if (!vectorModule) {
            return SCALAR;
        }
        try {
            // by name, so that a JVM without the module never links the class
            return (Axpy) Class.forName(Axpy.class.getPackageName() + ".VectorAxpy").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "jdk.incubator.vector is present but unusable; sparse kernels run scalar", e);
            return SCALAR;
        }
    }
}
