package dev.saesplit.lm.tokens;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The committed fixtures under {@code src/test/resources/lm/tokens} (see make_tokenizer.py there). */
public final class TokenFixtures {

    private TokenFixtures() {
    }

    public static Path path(String name) {
        URL url = TokenFixtures.class.getResource("/lm/tokens/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture lm/tokens/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static HuggingFaceTokenizer tinyTokenizer() {
        return HuggingFaceTokenizer.open(path("tokenizer.json"));
    }
}
