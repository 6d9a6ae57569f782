package dev.saesplit.activations;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.ActivationSources;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.data.npy.NpyFileList;
import dev.saesplit.data.stream.ModelActivationStream;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.spec.ActivationSourceSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Produces activation caches: generates synthetic data, registers .npy files in place (checked, not copied), or
 * caches a language model's activations, or describes a stream of them (see {@link ModelCaching}).
 */
public final class ActivationActivitiesImpl implements ActivationActivities {

    static final int CODE_VERSION = 1;
    private static final String KIND = "activations";

    private final ArtifactStore store;
    private final ModelCaching modelCaching;

    public ActivationActivitiesImpl(ArtifactStore store) {
        this(store, ModelActivationCache.DEFAULT_SHARD_BYTES);
    }

    /** With shards of {@code maxShardBytes} for model caches (tests use small ones to get several shards). */
    public ActivationActivitiesImpl(ArtifactStore store, long maxShardBytes) {
        this.store = store;
        this.modelCaching = new ModelCaching(store, maxShardBytes);
    }

    /** Contexts this worker has run through a language model: a re-run that reuses a cache adds none. */
    public long contextsForwarded() {
        return modelCaching.contextsForwarded();
    }

    @Override
    public ActivationsRef ensureActivations(String experiment, ActivationSourceSpec source) {
        String key = OutputKey.of(KIND + "/" + source.kind(), CODE_VERSION, keyed(source));
        Provenance provenance = new Provenance("activations", experiment, "");
        ArtifactRef ref;
        if (source instanceof ActivationSourceSpec.Synthetic synthetic) {
            ref = store.getOrProduce(KIND, key, provenance, dir -> SyntheticHierarchy.generate(config(synthetic), dir));
        } else if (source instanceof ActivationSourceSpec.Npy npy) {
            ref = store.getOrProduce(KIND, key, provenance, dir -> registerNpy(npy.files(), dir));
        } else {
            ref = modelCaching.ensure(experiment, (ActivationSourceSpec.Model) source);
        }
        try (ActivationSource opened = ActivationSources.open(store.localCopy(ref))) {
            String model = opened instanceof ActivationCacheReader cache ? cache.manifest().model()
                    : opened instanceof ModelActivationStream stream ? stream.model() : "unknown";
            String hook = opened instanceof ActivationCacheReader cache ? cache.manifest().hook()
                    : opened instanceof ModelActivationStream stream ? stream.hook() : "unknown";
            return new ActivationsRef(ref, opened.dIn(), opened.tokens(), model, hook);
        }
    }

    static SyntheticHierarchyConfig config(ActivationSourceSpec.Synthetic s) {
        return SyntheticHierarchyConfig.of(s.dIn(), s.features(), s.parents(), s.childrenPerParent(),
                s.firingProbability(), s.tokens(), s.seed()).withChildProbability(s.childProbability());
    }

    /**
     * What keys a source's activations: the spec, and for an {@code npy} source with a ground truth beside it the
     * ground truth's files as they are now (an edited ground truth is a new artifact). Without one the key is the
     * spec's alone, as it always was.
     */
    private static Object keyed(ActivationSourceSpec source) {
        if (!(source instanceof ActivationSourceSpec.Npy npy)) {
            return source;
        }
        Path folder = GroundTruth.folderOf(npy.files());
        if (!GroundTruth.isBeside(folder)) {
            return source;
        }
        try {
            return new KeyedNpy(npy, entries(GroundTruth.fileNames(folder).stream().map(folder::resolve).toList()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ground truth in " + folder, e);
        }
    }

    /** An {@code npy} source keyed with the ground truth beside it. */
    record KeyedNpy(ActivationSourceSpec.Npy source, List<NpyFileList.Entry> groundTruth) {
    }

    /**
     * Checks the files open as one activation matrix, then records them with their sizes and times; a ground truth
     * in their folder is checked against them and copied beside the record, where the evaluation finds it as it
     * finds a synthetic source's.
     */
    private static void registerNpy(List<Path> files, Path dir) throws IOException {
        try (NpyActivationSource source = NpyActivationSource.open(files)) {
            JsonArtifacts.write(dir.resolve(NpyFileList.FILE_NAME), new NpyFileList(entries(files)));
            Path folder = GroundTruth.folderOf(files);
            if (GroundTruth.isBeside(folder)) {
                GroundTruth.checkBeside(folder, source.tokens(), source.dIn());
                for (String name : GroundTruth.fileNames(folder)) {
                    Files.copy(folder.resolve(name), dir.resolve(name));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static List<NpyFileList.Entry> entries(List<Path> files) throws IOException {
        List<NpyFileList.Entry> entries = new ArrayList<>();
        for (Path file : files) {
            Path absolute = file.toAbsolutePath().normalize();
            entries.add(new NpyFileList.Entry(absolute.toString(), Files.size(absolute),
                    Files.getLastModifiedTime(absolute).toMillis()));
        }
        return entries;
    }
}
