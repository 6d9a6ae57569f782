"""Draws activations with a known feature hierarchy using SAELens's own synthetic toolkit (sae_lens.synthetic),
and writes them with their ground truth in the layout saesplit reads beside a synthetic source:

  activations.npy       float32 [tokens, d_in]: the feature dictionary applied to the drawn feature activations
  directions.npy        float32 [features, d_in]: each feature's unit direction
  child_labels.npy      int32 [tokens, parents]: the child that fired under each parent, or -1
  feature_activity.npy  int32 [tokens, ceil(features / 32)]: bit f % 32 of word f // 32 set where feature f fired
  ground_truth.json     the hierarchy: parents [0, P), parent p's K children P + p*K ... P + p*K + K - 1, then
                        independent features

Parents and their children are HierarchyNode trees with mutually exclusive children: a child fires only where its
parent does, at most one child per parent. Nothing here decides what fires; SAELens draws it.

Usage: python sae_lens_hierarchy.py OUT_DIR JSON_PARAMS
  params: d_in, features, parents, children, firing (independent features' probability), tokens, seed,
          child_firing (a child's probability where its parent fires, before mutual exclusion; default 0.9)
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
from sae_lens.synthetic import ActivationGenerator, FeatureDictionary, HierarchyNode, hierarchy_modifier

BATCH = 8192


def main(out_dir: str, params_json: str) -> None:
    p = json.loads(params_json)
    d_in, features, parents, children = p["d_in"], p["features"], p["parents"], p["children"]
    firing, tokens, seed = p["firing"], p["tokens"], p["seed"]
    child_firing = p.get("child_firing", 0.9)
    if parents * (children + 1) > features:
        raise SystemExit(f"parents * (children + 1) = {parents * (children + 1)} exceeds features = {features}")
    torch.manual_seed(seed)
    roots = [HierarchyNode(feature_index=parent,
                           children=[HierarchyNode(feature_index=parents + parent * children + k)
                                     for k in range(children)],
                           mutually_exclusive_children=True)
             for parent in range(parents)]
    probabilities = torch.full((features,), float(firing))
    # A parent fires about as often as all its children together would, so each child is about as common as an
    # independent feature once gated by its parent and made exclusive.
    probabilities[:parents] = min(1.0, children * firing)
    probabilities[parents:parents * (children + 1)] = child_firing
    generator = ActivationGenerator(features, probabilities, std_firing_magnitudes=0.25,
                                    mean_firing_magnitudes=1.0, modify_activations=hierarchy_modifier(roots))
    dictionary = FeatureDictionary(features, d_in, seed=seed)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    directions = dictionary.feature_vectors.detach()
    directions = (directions / directions.norm(dim=1, keepdim=True)).numpy().astype(np.float32)
    np.save(out / "directions.npy", directions)
    words = (features + 31) // 32
    x = np.lib.format.open_memmap(out / "activations.npy", mode="w+", dtype=np.float32, shape=(tokens, d_in))
    labels = np.lib.format.open_memmap(out / "child_labels.npy", mode="w+", dtype=np.int32, shape=(tokens, parents))
    activity = np.lib.format.open_memmap(out / "feature_activity.npy", mode="w+", dtype=np.int32,
                                         shape=(tokens, words))
    weights = (1 << (np.arange(features) % 32)).astype(np.uint32)
    with torch.no_grad():
        for start in range(0, tokens, BATCH):
            count = min(BATCH, tokens - start)
            acts = generator.sample(count)
            acts = torch.clamp(acts, min=0)
            x[start:start + count] = dictionary(acts).numpy()
            fired = (acts > 0).numpy()
            for w in range(words):
                block = fired[:, w * 32:(w + 1) * 32].astype(np.uint64) * weights[w * 32:(w + 1) * 32]
                activity[start:start + count, w] = block.sum(axis=1).astype(np.uint32).view(np.int32)
            for parent in range(parents):
                first = parents + parent * children
                kids = fired[:, first:first + children]
                labels[start:start + count, parent] = np.where(kids.any(axis=1), first + kids.argmax(axis=1), -1)
    for array in (x, labels, activity):
        array.flush()
    document = {
        "format_version": 1,
        "config": {"d_in": d_in, "features": features, "parents": parents, "children_per_parent": children,
                   "firing_probability": firing, "parent_firing_probability": float(probabilities[0]),
                   "child_probability": child_firing, "tokens": tokens, "seed": seed},
        "magnitude_min": 0.0, "magnitude_max": 0.0,
        "child_rule": "sae_lens.synthetic: HierarchyNode trees with mutually exclusive children; a child fires only"
                      " where its parent does; magnitudes N(1, 0.25) clamped at 0",
        "parents": [{"feature": parent, "children": [parents + parent * children + k for k in range(children)]}
                    for parent in range(parents)],
        "directions_file": "directions.npy",
        "child_labels_file": "child_labels.npy",
        "feature_activity_file": "feature_activity.npy",
    }
    (out / "ground_truth.json").write_text(json.dumps(document, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
