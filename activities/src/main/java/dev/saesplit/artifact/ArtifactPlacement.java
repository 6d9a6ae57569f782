package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an {@link ArtifactStore} keeps outputs: a local directory ({@link LocalArtifacts}) or shared storage that
 * every worker reads ({@link SharedArtifacts}). The store records outputs in the index and asks the placement that
 * holds a reference to find, check or read it.
 */
interface ArtifactPlacement {

    /** One line for people: where outputs go. */
    String describe();

    /** Whether {@code ref} was recorded by this placement. */
    boolean holds(ArtifactRef ref);

    /** Writes the output with {@code producer}, records it, and gives the recorded reference. */
    ArtifactRef produce(String kind, String key, Provenance provenance, ArtifactStore.Producer producer);

    /**
     * The recorded output if it is still there as it was recorded; otherwise its record is forgotten (and a local
     * directory removed), so the caller produces it again.
     */
    Optional<ArtifactRef> find(ArtifactIndex.Recorded recorded);

    /** The recorded output if it is still there, without checking its content (see {@link ArtifactStore#findForRepair}). */
    Optional<ArtifactRef> findForRepair(ArtifactRef ref);

    /** Reads every byte of {@code ref} and compares it with the recorded content hash. */
    ArtifactCheck check(ArtifactRef ref);

    /** A local directory holding {@code ref}'s files, for reading. */
    Path localCopy(ArtifactRef ref);

    /** The published checkpoints of the work towards {@code kind}/{@code key}; empty where none are published. */
    Optional<PublishedCheckpoints> publishedCheckpoints(String kind, String key, int keep);

    /** Removes what this placement keeps of a finished output's work beyond the local work directory. */
    void clearPublishedWork(String kind, String key);
}
