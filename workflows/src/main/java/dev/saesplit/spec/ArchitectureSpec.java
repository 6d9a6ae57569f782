package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A run-table row's architecture and the settings that go with it; a row without one trains {@link Architecture#RELU}.
 *
 * @param name          the architecture
 * @param k             latents per token (exact for TopK, on average for BatchTopK and Matryoshka), else null
 * @param groups        Matryoshka's group sizes, innermost first, summing to the row's width; else null
 * @param l0Coefficient JumpReLU's L0 penalty coefficient, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArchitectureSpec(Architecture name, Double k, List<Integer> groups, Double l0Coefficient) {

    /** SAELens's default {@code l0_coefficient} for JumpReLU. */
    public static final double DEFAULT_L0_COEFFICIENT = 1.0;

    public ArchitectureSpec {
        Objects.requireNonNull(name, "name");
        groups = groups == null ? null : List.copyOf(groups);
    }

    /** The cumulative widths of Matryoshka's nested prefixes (SAELens's {@code matryoshka_widths}), the last the row's width. */
    @JsonIgnore
    public List<Integer> prefixWidths() {
        List<Integer> widths = new ArrayList<>();
        int sum = 0;
        for (int size : groups == null ? List.<Integer>of() : groups) {
            sum += size;
            widths.add(sum);
        }
        return widths;
    }

    /** As the run table shows it: {@code batchtopk k=8}, {@code matryoshka k=8 groups 32+96}, {@code jumprelu l0=1}. */
    public String describe() {
        StringBuilder text = new StringBuilder(name.specName());
        if (k != null) {
            text.append(" k=").append(number(k));
        }
        if (groups != null) {
            text.append(" groups ").append(groups.stream().map(String::valueOf).collect(Collectors.joining("+")));
        }
        if (l0Coefficient != null) {
            text.append(" l0=").append(number(l0Coefficient));
        }
        return text.toString();
    }

    /** {@code 8} for 8.0, {@code 2.5} for 2.5. */
    private static String number(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
