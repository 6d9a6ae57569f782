package dev.saesplit.cli;

/** Durations as a person reads them in a progress line: "45 s", "4 min 12 s", "1 h 03 min". */
final class Durations {

    private Durations() {
    }

    static String words(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + String.format("%02d", seconds % 60) + " s";
        }
        return seconds / 3600 + " h " + String.format("%02d", seconds / 60 % 60) + " min";
    }
}
