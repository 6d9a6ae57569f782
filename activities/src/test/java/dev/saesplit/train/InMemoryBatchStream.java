package dev.saesplit.train;

import dev.saesplit.data.BatchStream;
import dev.saesplit.data.InMemoryActivationSource;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.ShuffledBatchStream;

/** Training data for tests: rows held in memory, through the same shuffled stream real data goes through. */
final class InMemoryBatchStream {

    private InMemoryBatchStream() {
    }

    static BatchStream over(float[] rows, int dIn, int batchSize, long seed) {
        return new ShuffledBatchStream(InMemoryActivationSource.of(rows, dIn),
                ShuffleConfig.forWidth(batchSize, seed, dIn));
    }
}
