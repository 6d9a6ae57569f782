package dev.saesplit.text;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it can be printed, logged or sent to MLflow: passwords in URLs
 * ({@code user:pass@host}), credentials in query strings ({@code ?password=}, {@code token=}, {@code sig=}...),
 * assignments to a credential's name ({@code PGPASSWORD=...}, {@code MLFLOW_TRACKING_TOKEN: ...}), authorization
 * headers, and any value registered as a secret (the local PostgreSQL password, {@code SAESPLIT_DB_PASSWORD}). The
 * one place that decides what a secret looks like, so every message, status line and tracking parameter redacts
 * alike. It masks secrets, not words: a name must be a credential's whole name, so "tokens: not two children" or
 * "tokenizer: gpt2" stay as they are.
 */
public final class Redaction {

    public static final String MASK = "***";

    /** Registered values shorter than this are not masked: they would mask ordinary words and digits. */
    private static final int MIN_SECRET_LENGTH = 6;

    /** {@code scheme://user:password@}: the password part. */
    private static final Pattern USERINFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@?#]*:)([^/\\s@?#]+)(@)");

    /** A URL query parameter or JDBC property whose name says it is a credential. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;](?:password|passwd|pwd|pass|token|access_token|refresh_token|id_token|api_key|apikey|key"
                    + "|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token"
                    + "|credential|credentials|auth|authorization|sslpassword)=)([^&;#\\s]+)");

    /**
     * A name that is a credential's as a whole: its last {@code _} or {@code -} part is PASSWORD (or ends in it, as
     * PGPASSWORD does), PASSWD, PWD, SECRET, TOKEN, CREDENTIALS, or KEY after API, SECRET, ACCESS or PRIVATE.
     * "tokens", "tokenizer" and "keys" are not.
     */
    private static final String LAST_PART = "(?:[a-z0-9]*password|passwd|pwd|secret|token|credentials?"
            + "|(?:api|secret|access|private)[_-]?key)";
    private static final String CREDENTIAL_NAME = "(?:[a-z0-9]+[_-])*" + LAST_PART + "(?![a-z0-9_-])";

    /** {@code NAME=value}, as in an environment or a command line. */
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)((?<![a-z0-9_-])" + CREDENTIAL_NAME + "\\s*=\\s*)(?!\\*\\*\\*)([^\\s,;&'\"]+)");

    /**
     * {@code NAME: value}, as in YAML or a log line, where a bare "token:" or "password:" may be prose ("the
     * token: a hyphen"): only a name with a separator or in capitals ({@code db_password:}, {@code TOKEN:}).
     */
    private static final Pattern SECRET_FIELD = Pattern.compile("((?<![A-Za-z0-9_-])(?:(?i:(?:[a-z0-9]+[_-])+"
            + LAST_PART + ")|[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN))(?![A-Za-z0-9_-])\\s*:\\s*)"
            + "(?!\\*\\*\\*)([^\\s,;&'\"]+)");

    /** An authorization header's credentials, or a bearer token anywhere. */
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "(?i)(\\bauthorization\\s*[:=]\\s*(?:bearer\\s+|basic\\s+)?|\\bBearer\\s+)(?!\\*\\*\\*)([A-Za-z0-9._~+/=-]{8,})");

    private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

    private Redaction() {
    }

    /** Masks {@code value} wherever it appears in later redactions (for secrets that have no telltale shape). */
    public static void registerSecret(String value) {
        if (value != null && value.length() >= MIN_SECRET_LENGTH) {
            REGISTERED.add(value);
        }
    }

    /** {@code text} with every secret it holds replaced by {@link #MASK}; null stays null. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : REGISTERED) {
            out = out.replace(secret, MASK);
        }
        out = mask(USERINFO, out);
        out = mask(SECRET_PARAMETER, out);
        out = mask(AUTHORIZATION, out);
        out = mask(SECRET_FIELD, out);
        return mask(SECRET_ASSIGNMENT, out);
    }

    private static String mask(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String tail = m.groupCount() >= 3 ? m.group(3) : "";
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + MASK + tail));
        }
        m.appendTail(out);
        return out.toString();
    }
}
