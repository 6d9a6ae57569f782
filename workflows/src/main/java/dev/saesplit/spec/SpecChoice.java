package dev.saesplit.spec;

import java.util.Arrays;
import java.util.Optional;

/** An enumerated spec value with the exact spelling users write in YAML and see in tables. */
public interface SpecChoice {

    /** The spelling used in YAML, tables and database columns. */
    String specName();

    /** The constant of {@code type} spelled {@code text}, if any. */
    static <E extends Enum<E> & SpecChoice> Optional<E> parse(Class<E> type, String text) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.specName().equals(text)).findFirst();
    }

    /** All spellings of {@code type}, for error messages. */
    static <E extends Enum<E> & SpecChoice> String spellings(Class<E> type) {
        return String.join(", ", Arrays.stream(type.getEnumConstants()).map(SpecChoice::specName).toList());
    }
}
