package dev.saesplit.evaluate.interpret;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BoundedTopTest {

    @Test
    void keepsTheKLargestOfAStreamLargestFirst() {
        Random random = new Random(7);
        BoundedTop top = new BoundedTop(5);
        List<BoundedTop.Entry> all = new ArrayList<>();
        for (long id = 0; id < 10_000; id++) {
            double value = random.nextGaussian();
            top.offer(id, value);
            all.add(new BoundedTop.Entry(id, value));
        }
        all.sort(Comparator.comparingDouble(BoundedTop.Entry::value).reversed());

        assertEquals(all.subList(0, 5), top.ranked());
    }

    @Test
    void equalValuesRankTheSmallerIdFirstWhateverTheOrderOffered() {
        BoundedTop top = new BoundedTop(3);
        for (long id : new long[] {9, 4, 7, 1, 8}) {
            top.offer(id, 2.0);
        }
        top.offer(3, 1.0);

        assertEquals(List.of(new BoundedTop.Entry(1, 2.0), new BoundedTop.Entry(4, 2.0), new BoundedTop.Entry(7, 2.0)),
                top.ranked());
    }

    @Test
    void fewerOffersThanKAreAllKeptAndZeroKeepsNone() {
        BoundedTop three = new BoundedTop(3);
        three.offer(5, 0.5);
        BoundedTop none = new BoundedTop(0);
        none.offer(5, 0.5);

        assertEquals(List.of(new BoundedTop.Entry(5, 0.5)), three.ranked());
        assertEquals(List.of(), none.ranked());
    }
}
