package dev.saesplit.spec;

/**
 * A check of a well-formed spec against what lies outside it, such as the headers of the files it names.
 * Checks that need code beyond this module (SAE and array formats) implement this and are passed to
 * {@link SpecParser#parse(java.nio.file.Path, SpecCheck...)}, so their problems are located, collected and
 * reported exactly like the parser's own.
 */
@FunctionalInterface
public interface SpecCheck {

    /** Reports each problem of {@code spec} to {@code problems}. Runs only on a spec with no other problem. */
    void check(ExperimentSpec spec, Problems problems);

    /** Where a check reports what it finds; each problem is located by its field's path. */
    @FunctionalInterface
    interface Problems {

        /**
         * Records a problem of the field at {@code path} (e.g. {@code narrow_sae.path},
         * {@code runs[2].init}, {@code activations.files[1]}), located where that field is written.
         */
        void report(String path, String message);
    }
}
