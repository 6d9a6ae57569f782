package dev.saesplit.text;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it can be printed, logged or sent to MLflow: passwords in URLs
 * ({@code user:pass@host}), credentials in query strings ({@code ?password=}, {@code token=}, {@code sig=}...),
 * {@code NAME=value} assignments whose name says secret ({@code PGPASSWORD=...}), and any value registered as a
 * secret (the local PostgreSQL password, {@code SAESPLIT_DB_PASSWORD}). The one place that decides what a secret
 * looks like, so every message, status line and tracking parameter redacts alike.
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

    /** {@code NAME=value} or {@code NAME: value} where NAME contains PASSWORD, SECRET or TOKEN. */
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)(\\b[a-z_]*(?:password|passwd|secret|token)[a-z_]*\\s*[=:]\\s*)(?!\\*\\*\\*)([^\\s,;&'\"]+)");

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
