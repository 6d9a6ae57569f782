package dev.saesplit.train;

/** Adam's moment decay rates and denominator epsilon. */
public record AdamSettings(double beta1, double beta2, double epsilon) {

    public static final AdamSettings DEFAULTS = new AdamSettings(0.9, 0.999, 1e-8);

    public AdamSettings {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta < 1 and epsilon > 0, got beta1=" + beta1
                    + ", beta2=" + beta2 + ", epsilon=" + epsilon);
        }
    }
}
