package dev.saesplit.evaluate.interpret;

import dev.saesplit.data.RowTokens;

import java.util.ArrayList;
import java.util.List;

/** {@link RowTokens} for contexts listed in a test: rows are the contexts' tokens, one context after another. */
final class ListedRowTokens implements RowTokens {

    private final List<int[]> rows = new ArrayList<>();

    ListedRowTokens(List<int[]> contexts) {
        for (int c = 0; c < contexts.size(); c++) {
            for (int p = 0; p < contexts.get(c).length; p++) {
                rows.add(new int[] {contexts.get(c)[p], c, p});
            }
        }
    }

    @Override
    public long rows() {
        return rows.size();
    }

    @Override
    public int tokenId(long row) {
        return rows.get((int) row)[0];
    }

    @Override
    public long context(long row) {
        return rows.get((int) row)[1];
    }

    @Override
    public int position(long row) {
        return rows.get((int) row)[2];
    }
}
