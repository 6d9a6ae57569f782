package dev.saesplit.lm.dataset;

import java.util.List;
import java.util.OptionalLong;

/** Documents given in the test, as token arrays, for exercising the batcher without files. */
final class ListedDocuments implements TokenDocuments {

    private final List<int[]> documents;
    private final boolean pretokenized;

    private ListedDocuments(List<int[]> documents, boolean pretokenized) {
        this.documents = documents;
        this.pretokenized = pretokenized;
    }

    static ListedDocuments raw(int[]... documents) {
        return new ListedDocuments(List.of(documents), false);
    }

    static ListedDocuments pretokenizedRows(int[]... rows) {
        return new ListedDocuments(List.of(rows), true);
    }

    @Override
    public DocumentSegments read(DocumentPosition from) {
        return WholeDocumentSegments.indexed(documents.size(), document -> documents.get((int) document).clone(),
                this::describe, from);
    }

    @Override
    public boolean pretokenizedContexts() {
        return pretokenized;
    }

    @Override
    public OptionalLong documentCount() {
        return OptionalLong.of(documents.size());
    }

    @Override
    public String describe(long document) {
        return "listed document " + document;
    }

    @Override
    public String identity() {
        return "listed";
    }
}
