package dev.saesplit.evaluate.interpret;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopActivatingRowsTest {

    @Test
    void ranksRowsAcrossBlocksPerLatentCountingRowsFromTheFirstBlock() {
        TopActivatingRows top = new TopActivatingRows(new int[] {40, 7}, 2);

        top.accept(new float[] {0.5f, 3f, 0f}, new float[][] {{1f, 0f, 0f}, {0f, 0f, 0f}});
        top.accept(new float[] {2f, 0f}, new float[][] {{0f, 4f}, {0f, 0f}});

        assertEquals(5, top.rows());
        assertEquals(List.of(new BoundedTop.Entry(1, 3.0), new BoundedTop.Entry(3, 2.0)), top.target());
        assertEquals(List.of(new BoundedTop.Entry(4, 4.0), new BoundedTop.Entry(0, 1.0)), top.child(0));
        assertEquals(List.of(), top.child(1), "a latent that never fires has no top rows");
    }
}
