package dev.saesplit.store;

import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;

import java.nio.file.Path;

/** Fresh databases holding one submitted experiment: the smallest synthetic spec, with one row, {@code a}. */
public final class SubmittedExperiments {

    private SubmittedExperiments() {
    }

    /** The spec of a one-row experiment called {@code name}. */
    public static String oneRowSpec(String name) {
        return """
                name: %s
                activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 10k}
                narrow_sae: {width: 8, tokens: 10k}
                target_latent: 3
                runs:
                  - {id: a, width: 32, seed: 1, init: random, normalised: true, data: all, loss: standard, tokens: 10k}
                """.formatted(name);
    }

    /** A fresh database in which the one-row experiment {@code name} is submitted; the caller closes it. */
    public static Database freshWith(String name) throws SpecValidationException {
        String spec = oneRowSpec(name);
        Database database = Database.open(TestPostgres.freshDatabase());
        new ExperimentStore(database.dataSource()).submit(SpecParser.parse(spec, name + ".yaml", Path.of(".")), spec,
                name + ".yaml");
        return database;
    }
}
