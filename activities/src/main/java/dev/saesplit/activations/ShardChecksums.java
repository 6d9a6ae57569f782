package dev.saesplit.activations;

import dev.saesplit.data.cache.CacheFile;
import dev.saesplit.data.cache.CacheShard;
import dev.saesplit.digest.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a shard's files in a directory are exactly the ones its record describes. */
final class ShardChecksums {

    private ShardChecksums() {
    }

    static boolean intact(Path directory, CacheShard shard) throws IOException {
        for (CacheFile file : shard.files()) {
            Path path = directory.resolve(file.file());
            if (!Files.isRegularFile(path) || Files.size(path) != file.bytes()
                    || !Sha256.ofFile(path).equalsIgnoreCase(file.sha256())) {
                return false;
            }
        }
        return true;
    }
}
