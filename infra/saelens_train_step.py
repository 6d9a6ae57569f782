"""Times SAELens's own SAETrainer.step on the batches `saesplit bench train --compare-saelens` trains on.

Usage: saelens_train_step.py ROWS.npy D_SAE BATCH WARMUP_STEPS STEPS ARCHITECTURE K L1_COEFFICIENT
ROWS.npy is float32 [tokens, d_in]; batches are cut from it in order and cycled. ARCHITECTURE is "standard"
(ReLU with SAELens's decoder-norm-weighted L1, L1_COEFFICIENT), "topk" (K latents per token), "batchtopk" (K on
average), "matryoshka" (BatchTopK with groups at a quarter, half and all of D_SAE) or "jumprelu" (the step L0 loss
with L1_COEFFICIENT as its l0_coefficient), each with SAELens's other training defaults. Prints one JSON line:
{"tokens_per_second": ..., "l0": ..., "sae_lens": version, "torch": version, "threads": n}.
"""
import json
import sys
import time

import numpy as np
import torch
import sae_lens
from sae_lens import SAETrainer, StandardTrainingSAE, TopKTrainingSAE
from sae_lens.config import SAETrainerConfig
from sae_lens.saes.batchtopk_sae import BatchTopKTrainingSAE, BatchTopKTrainingSAEConfig
from sae_lens.saes.jumprelu_sae import JumpReLUTrainingSAE, JumpReLUTrainingSAEConfig
from sae_lens.saes.matryoshka_batchtopk_sae import (MatryoshkaBatchTopKTrainingSAE,
                                                    MatryoshkaBatchTopKTrainingSAEConfig)
from sae_lens.saes.standard_sae import StandardTrainingSAEConfig
from sae_lens.saes.topk_sae import TopKTrainingSAEConfig


def main(rows_file, d_sae, batch, warmup_steps, steps, architecture, k, l1_coefficient):
    rows = torch.from_numpy(np.load(rows_file))
    d_in = rows.shape[1]
    batches = [rows[i:i + batch] for i in range(0, rows.shape[0] - batch + 1, batch)]
    if architecture == "topk":
        sae = TopKTrainingSAE(TopKTrainingSAEConfig(d_in=d_in, d_sae=d_sae, k=int(k)))
    elif architecture == "batchtopk":
        sae = BatchTopKTrainingSAE(BatchTopKTrainingSAEConfig(d_in=d_in, d_sae=d_sae, k=k))
    elif architecture == "matryoshka":
        widths = sorted({w for w in (d_sae // 4, d_sae // 2, d_sae) if w > 0})
        sae = MatryoshkaBatchTopKTrainingSAE(MatryoshkaBatchTopKTrainingSAEConfig(
            d_in=d_in, d_sae=d_sae, k=k, matryoshka_widths=widths))
    elif architecture == "jumprelu":
        sae = JumpReLUTrainingSAE(JumpReLUTrainingSAEConfig(d_in=d_in, d_sae=d_sae, l0_coefficient=l1_coefficient))
    else:
        sae = StandardTrainingSAE(StandardTrainingSAEConfig(d_in=d_in, d_sae=d_sae, l1_coefficient=l1_coefficient))
    total = warmup_steps + steps
    trainer = SAETrainer(
        cfg=SAETrainerConfig(total_training_samples=total * batch, train_batch_size_samples=batch, lr_end=3e-4),
        sae=sae, data_provider=iter(()))
    l0 = []
    for step in range(total):
        if step == warmup_steps:
            start = time.perf_counter()
        output = trainer.step(batches[step % len(batches)])
        trainer.n_training_steps += 1
        if step >= warmup_steps:
            l0.append((output.feature_acts > 0).float().sum(-1).mean().item())
    seconds = time.perf_counter() - start
    print(json.dumps({"tokens_per_second": steps * batch / seconds, "l0": sum(l0) / len(l0),
                      "sae_lens": sae_lens.__version__, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), a[5], float(a[6]), float(a[7]))
