"""SAELens's side of `saesplit bench peer`: draws activations with known features using SAELens's synthetic toolkit,
trains SAELens's own trainer on them, and scores SAEs (SAELens's and saesplit's alike) with the toolkit's own eval.

Usage:
  saelens_peer_check.py draw OUT_DIR PARAMS_JSON
      params: features, d_in, tokens, seed. Builds a sae_lens.synthetic SyntheticModel (the toolkit's defaults:
      Zipfian firing probabilities 0.3 .. 0.01, magnitude 1, a dictionary bias of norm 1), saves it to
      OUT_DIR/synthetic_model and writes OUT_DIR/activations.npy, float32 [tokens, d_in], drawn from it with
      torch seeded by `seed`. Prints {"true_l0": ..., "sae_lens": version, "torch": version}.
  saelens_peer_check.py train PARAMS_JSON
      params: activations (.npy), batch, steps, lr, lr_warm_up_steps, adam_beta1, adam_beta2, dead_feature_window
      (steps without firing after which a latent counts as dead, for AuxK), architecture (a name in
      SAELens's training registry), d_sae, sae (fields of that architecture's training config besides d_in and
      d_sae), runs: [{seed, initial, out}]. Each run starts from SAELens's own initialisation with torch seeded by
      `seed`, or from the weights in `initial` (a SAELens directory) where given; trains with SAETrainer.fit on batches cut in order from the activations (cycled, whole batches only) on one
      torch thread, and saves the SAE to `out` with save_inference_model. Prints {"trained": runs}.
  saelens_peer_check.py eval MODEL_DIR PARAMS_JSON
      params: saes (SAELens directories), samples, seed. Scores each SAE with eval_sae_on_synthetic_data on the same
      `samples` fresh draws from the synthetic model (torch reseeded with `seed` before each). Prints one JSON list.
"""
import json
import os
import sys

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import sae_lens  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from sae_lens import SAE  # noqa: E402
from sae_lens.config import LoggingConfig, SAETrainerConfig  # noqa: E402
from sae_lens.registry import get_sae_training_class  # noqa: E402
from sae_lens.synthetic import SyntheticModel, SyntheticModelConfig, eval_sae_on_synthetic_data  # noqa: E402
from sae_lens.training.sae_trainer import SAETrainer  # noqa: E402

DRAW_BATCH = 8192


def draw(out_dir, p):
    model = SyntheticModel(SyntheticModelConfig(num_features=p["features"], hidden_dim=p["d_in"], seed=p["seed"]))
    os.makedirs(out_dir, exist_ok=True)
    model.save(os.path.join(out_dir, "synthetic_model"))
    tokens = p["tokens"]
    rows = np.lib.format.open_memmap(os.path.join(out_dir, "activations.npy"), mode="w+", dtype=np.float32,
                                     shape=(tokens, p["d_in"]))
    torch.manual_seed(p["seed"])
    fired = 0.0
    with torch.no_grad():
        for start in range(0, tokens, DRAW_BATCH):
            count = min(DRAW_BATCH, tokens - start)
            features = model.activation_generator.sample(count)
            fired += (features > 0).float().sum().item()
            rows[start:start + count] = model.feature_dict(features).numpy()
    rows.flush()
    print(json.dumps({"true_l0": fired / tokens, "sae_lens": sae_lens.__version__, "torch": torch.__version__}))


class InOrderBatches:
    """Batches cut in order from the rows, cycled: the order saesplit's side reads them in."""

    def __init__(self, rows, batch):
        self.batches = [rows[i:i + batch] for i in range(0, rows.shape[0] - batch + 1, batch)]
        self.next_batch = 0

    def __iter__(self):
        return self

    def __next__(self):
        batch = self.batches[self.next_batch % len(self.batches)]
        self.next_batch += 1
        return batch


def train(p):
    # At the check's sizes torch's thread pool only adds synchronisation: on a loaded 2-core machine a step took
    # 1.1 ms on one thread and 49 ms on two.
    torch.set_num_threads(1)
    rows = torch.from_numpy(np.load(p["activations"]))
    sae_class, cfg_class = get_sae_training_class(p["architecture"])
    for run in p["runs"]:
        torch.manual_seed(run["seed"])
        sae = sae_class(cfg_class(d_in=rows.shape[1], d_sae=p["d_sae"], **p["sae"]))
        if "initial" in run:
            initial = load_file(os.path.join(run["initial"], "sae_weights.safetensors"))
            with torch.no_grad():
                for name in ("W_enc", "b_enc", "W_dec", "b_dec"):
                    getattr(sae, name).copy_(initial[name])
        trainer_cfg = SAETrainerConfig(
            total_training_samples=p["steps"] * p["batch"], train_batch_size_samples=p["batch"],
            lr=p["lr"], lr_end=p["lr"], lr_scheduler_name="constant", lr_warm_up_steps=p["lr_warm_up_steps"],
            lr_decay_steps=0, adam_beta1=p["adam_beta1"], adam_beta2=p["adam_beta2"],
            dead_feature_window=p["dead_feature_window"], n_checkpoints=0,
            checkpoint_path=None, save_final_checkpoint=False, device="cpu", autocast=False,
            logger=LoggingConfig(log_to_wandb=False))
        SAETrainer(cfg=trainer_cfg, sae=sae, data_provider=InOrderBatches(rows, p["batch"])).fit()
        sae.save_inference_model(run["out"])
    print(json.dumps({"trained": len(p["runs"])}))


def evaluate(model_dir, p):
    model = SyntheticModel.load_from_disk(model_dir)
    results = []
    for directory in p["saes"]:
        sae = SAE.load_from_disk(directory)
        torch.manual_seed(p["seed"])
        result = eval_sae_on_synthetic_data(sae, model.feature_dict, model.activation_generator,
                                            num_samples=p["samples"], batch_size=min(p["samples"], 16384))
        results.append({"sae": directory, **result.to_dict()})
    print(json.dumps(results))


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "draw":
        draw(args[0], json.loads(args[1]))
    elif mode == "train":
        train(json.loads(args[0]))
    elif mode == "eval":
        evaluate(args[0], json.loads(args[1]))
    else:
        raise SystemExit(f"unknown mode {mode!r}: draw, train or eval")
