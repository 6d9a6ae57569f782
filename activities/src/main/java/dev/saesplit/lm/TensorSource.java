package dev.saesplit.lm;

import java.nio.file.Path;
import java.util.Map;

/**
 * The named tensors of one checkpoint file, read one at a time so a check of names and shapes costs no data
 * reads. Values are widened to float and returned row-major, whatever the file's dtype and strides.
 */
public interface TensorSource extends AutoCloseable {

    /** The file, for error messages. */
    Path file();

    /** Every tensor's name and shape. */
    Map<String, long[]> shapes();

    /** One tensor's values, row-major. */
    float[] read(String name);

    @Override
    void close();
}
