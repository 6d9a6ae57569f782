package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {

    @TempDir
    Path dir;

    @Test
    void halfPrecisionAndBfloat16TensorsAreWidenedToFloat() throws IOException {
        Path file = dir.resolve("half.safetensors");
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x0001); // F16: 1, -2, 2^-24
        data.putShort((short) 0x3F80).putShort((short) 0x4049).putShort((short) 0xFF80); // BF16: 1, 3.140625, -inf
        writeRaw(file, "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[6,12]}}", data.array());

        Map<String, NamedTensor> tensors = SafetensorsReader.readAll(file);

        assertArrayEquals(new float[] {1f, -2f, 0x1.0p-24f}, tensors.get("h").values());
        assertArrayEquals(new float[] {1f, 3.140625f, Float.NEGATIVE_INFINITY}, tensors.get("b").values());
    }

    @Test
    void aTensorOfAnUnreadableDtypeIsRejectedNamingTheTensorAndDtype() throws IOException {
        Path file = dir.resolve("ints.safetensors");
        writeRaw(file, "{\"W_enc\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", new byte[16]);

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class,
                () -> SafetensorsReader.readAll(file));

        assertTrue(e.getMessage().contains("ints.safetensors") && e.getMessage().contains("'W_enc'")
                && e.getMessage().contains("I64"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsRejectedNamingTheFile() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        SafetensorsWriter.write(file, List.of(NamedTensor.of("W_dec", new float[64], 8, 8)));
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 100));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class,
                () -> SafetensorsReader.readAll(file));

        assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains("'W_dec'")
                && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aFileCutInsideItsHeaderIsRejected() throws IOException {
        Path file = dir.resolve("stub.safetensors");
        SafetensorsWriter.write(file, List.of(NamedTensor.of("b_dec", new float[4], 4)));
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 20));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class,
                () -> SafetensorsReader.readAll(file));

        assertTrue(e.getMessage().contains("stub.safetensors") && e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void aMissingFileIsReportedAsSuch() {
        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class,
                () -> SafetensorsReader.readAll(dir.resolve("absent.safetensors")));

        assertTrue(e.getMessage().contains("absent.safetensors") && e.getMessage().contains("does not exist"));
    }

    private static void writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json).put(data);
        Files.write(file, buffer.array());
    }
}
