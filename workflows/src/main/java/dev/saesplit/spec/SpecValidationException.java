package dev.saesplit.spec;

import dev.saesplit.pipeline.BadInput;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot be used: every problem found, each with its file, line, column and field. */
public final class SpecValidationException extends Exception implements BadInput {

    private final List<SpecProblem> problems;

    public SpecValidationException(List<SpecProblem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a validation failure needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }

    private static String describe(List<SpecProblem> problems) {
        String count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
        return "invalid experiment spec (" + count + "):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
