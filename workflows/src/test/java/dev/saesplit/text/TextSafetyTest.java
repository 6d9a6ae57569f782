package dev.saesplit.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextSafetyTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # text                                                                                | as redacted
            cannot connect to jdbc:postgresql://db.lab:5432/sae?user=me&password=hunter2&ssl=true | cannot connect to jdbc:postgresql://db.lab:5432/sae?user=me&password=***&ssl=true
            cannot reach MLflow at https://alice:s3cr3t@mlflow.lab/ to log                        | cannot reach MLflow at https://alice:***@mlflow.lab/ to log
            https://mlflow.lab/api?token=abc.def&run=7                                            | https://mlflow.lab/api?token=***&run=7
            s3://bucket/a?X-Amz-Signature=0123abcd                                                | s3://bucket/a?X-Amz-Signature=***
            environment: PGPASSWORD=pw1234567 SAESPLIT_DB_PASSWORD=x PATH=/usr/bin                | environment: PGPASSWORD=*** SAESPLIT_DB_PASSWORD=*** PATH=/usr/bin
            http://mlflow.lab:5000/#/experiments/3                                                | http://mlflow.lab:5000/#/experiments/3
            """)
    void passwordsInUrlsAndQueryStringsAreMaskedAndTheRestKept(String text, String redacted) {
        assertEquals(redacted, Redaction.redact(text));
    }

    @Test
    void wordsAfterTokenOrPasswordAreNotSecrets() {
        for (String text : new String[] {"latent 5 fires on 44% of latent 62's tokens: not two children",
                "activations.tokenizer: expected gpt2 or a tokenizer.json", "the token: a hyphen after a number",
                "password: authentication failed", "keys: W_enc, W_dec", "tokens=26.2M"}) {
            assertEquals(text, Redaction.redact(text));
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # text                                                                            | as redacted
            MLFLOW_TRACKING_TOKEN: tok123456 db_password: hunter22 api-key=k-998877 TOKEN=t0  | MLFLOW_TRACKING_TOKEN: *** db_password: *** api-key=*** TOKEN=***
            Authorization: Basic bGFiOnB3LTk4NzY1NDMyMQ== and Bearer eyJhbGciOiJIUzI1NiJ9.e30 | Authorization: Basic *** and Bearer ***
            """)
    void credentialSyntaxIsMaskedWhateverTheNameStyle(String text, String redacted) {
        assertEquals(redacted, Redaction.redact(text));
    }

    @Test
    void aRegisteredSecretIsMaskedWhereverItAppears() {
        Redaction.registerSecret("Zq8-generated-secret");

        assertEquals("FATAL: password authentication failed (tried ***)",
                Redaction.redact("FATAL: password authentication failed (tried Zq8-generated-secret)"));
    }

    @Test
    void terminalTextEscapesAnsiAndOtherControlCharacters() {
        assertEquals("\\e[31mred\\e[0m \\x07 \\x9b2J \\u202e", TerminalText.line("\u001b[31mred\u001b[0m \u0007 \u009b2J \u202e"));
        assertEquals("a\\nb\\tc", TerminalText.line("a\nb\tc"));
        assertEquals("a\nb\tc\\r", TerminalText.paragraph("a\nb\tc\r"));
        assertEquals("plain – ünïcode", TerminalText.line("plain – ünïcode"));
    }

    @Test
    void csvCellsFollowOwaspFormulaInjectionGuidance() {
        assertEquals("\"'=1+2\"", CsvCell.of("=1+2"));
        assertEquals("\"'+SUM(A1:A9)\"", CsvCell.of("+SUM(A1:A9)"));
        assertEquals("\"'-2+3\"", CsvCell.of("-2+3"));
        assertEquals("\"'@cmd\"", CsvCell.of("@cmd"));
        assertEquals("\"'\t=1\"", CsvCell.of("\t=1"));
        assertEquals("\\r=1", CsvCell.of("\r=1"), "a carriage return is escaped, so the cell starts with a backslash");
        assertEquals("-0.25", CsvCell.of("-0.25"), "a plain number cannot be a formula");
        assertEquals("1e-3", CsvCell.of("1e-3"));
        assertEquals("\"a, \"\"b\"\"\"", CsvCell.of("a, \"b\""));
        assertEquals("\"\\e[2Jx;y\"", CsvCell.of("\u001b[2Jx;y"));
        assertEquals("", CsvCell.of(""));
    }
}
