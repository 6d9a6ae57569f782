package dev.saesplit.cli;

/**
 * One file of the validation corpus and what {@code saesplit validate} must do with it.
 *
 * @param kind      the class of input, for the summary ("duplicate-keys", "alias-bomb", "valid")
 * @param spec      the argument given to validate, normally a path
 * @param valid     whether validate must accept it
 * @param field     for a bad spec, the field its message must name; empty when any location will do
 * @param fileLevel for a bad spec, whether the problem is the file itself (missing, a device, too large), so
 *                  no line and column exist
 */
record CorpusCase(String kind, String spec, boolean valid, String field, boolean fileLevel) {

    /** Content of files that stand for secrets: validate must never print it. */
    static final String SECRET = "pw-5f3e1c";

    static CorpusCase good(String kind, String spec) {
        return new CorpusCase(kind, spec, true, "", false);
    }

    static CorpusCase bad(String kind, String spec, String field) {
        return new CorpusCase(kind, spec, false, field, false);
    }

    static CorpusCase badFile(String kind, String spec) {
        return new CorpusCase(kind, spec, false, "", true);
    }
}
