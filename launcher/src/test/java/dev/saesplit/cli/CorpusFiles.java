package dev.saesplit.cli;

import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files corpus specs point at: good and hostile SAE directories, {@code .npy} arrays and safetensors
 * files, pipes and links to devices. Written byte by byte where a hostile header is needed, since the
 * project's own writers refuse to produce one.
 */
final class CorpusFiles {

    private final Path dir;

    CorpusFiles(Path dir) {
        this.dir = dir;
    }

    /** A well-formed SAE directory of {@code dIn × dSae}, with {@code cfg.json} edited by {@code edit}. */
    Path sae(String name, int dIn, int dSae, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path sae = dir.resolve(name);
        SaeConfig config = SaeConfig.of(dIn, dSae, new StandardArchitecture(), "corpus", "hook");
        SaeLensFormat.write(sae, new SaeWeights(config, new float[dIn * dSae], new float[dSae],
                new float[dSae * dIn], new float[dIn]), new float[dSae]);
        Path cfg = sae.resolve(SaeLensFormat.CONFIG_FILE);
        Files.writeString(cfg, edit.apply(Files.readString(cfg)));
        return sae;
    }

    /** A SAELens folder like {@link #sae}'s whose decoder holds a NaN and whose encoder bias an infinity. */
    Path nonFiniteSae(String name, int dIn, int dSae) throws IOException {
        Path sae = dir.resolve(name);
        SaeConfig config = SaeConfig.of(dIn, dSae, new StandardArchitecture(), "corpus", "hook");
        float[] bEnc = new float[dSae];
        bEnc[1] = Float.POSITIVE_INFINITY;
        float[] wDec = new float[dSae * dIn];
        wDec[3] = Float.NaN;
        SaeLensFormat.write(sae, new SaeWeights(config, new float[dIn * dSae], bEnc, wDec, new float[dIn]),
                new float[dSae]);
        return sae;
    }

    /** A float32 {@code [rows, d]} array of zeros. */
    Path npy(String name, int rows, int d) throws IOException {
        Path file = dir.resolve(name);
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.FLOAT32, d)) {
            writer.writeFloats(new float[rows * d], 0, rows * d);
        }
        return file;
    }

    /** A version-1 .npy file with header dictionary {@code dict} and {@code dataBytes} zero bytes after it. */
    Path rawNpy(String name, String dict, int dataBytes) throws IOException {
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + text.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        return Files.write(dir.resolve(name), out.array());
    }

    /** Raw bytes, for files that are not even shaped like their format. */
    Path bytes(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** A safetensors file whose JSON header is {@code header}, followed by {@code dataBytes} zero bytes. */
    Path rawSafetensors(String name, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        return Files.write(dir.resolve(name), out.array());
    }

    /** A named pipe: opening it for reading blocks until a writer comes, which none will. */
    Path fifo(String name) throws IOException {
        Path fifo = dir.resolve(name);
        try {
            if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
                throw new IOException("mkfifo failed for " + fifo);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted creating " + fifo, e);
        }
        return fifo;
    }

    Path link(String name, Path target) throws IOException {
        return Files.createSymbolicLink(dir.resolve(name), target);
    }

    Path directory(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }
}
