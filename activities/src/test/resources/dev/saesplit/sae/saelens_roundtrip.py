"""The SAELens side of SaeLensRoundTripTest, run once with a JSON list of jobs (argv[1]).

load: SAE.load_from_disk(dir), encode x, save the latents and what SAELens made of the config.
save: build an SAE in SAELens with seeded random weights, save_model(dir) (which writes no sparsity file),
      encode x, save the latents.
"""
import json
import sys

import torch
from safetensors.torch import load_file, save_file
from sae_lens import (SAE, JumpReLUSAE, JumpReLUSAEConfig, StandardSAE, StandardSAEConfig, TopKSAE,
                      TopKSAEConfig)
from sae_lens.saes.sae import SAEMetadata


def encode(sae, x_file, out_file):
    x = load_file(x_file)["x"]
    with torch.no_grad():
        latents = sae.encode(x).contiguous()
    save_file({"latents": latents}, out_file)


def load(job):
    sae = SAE.load_from_disk(job["dir"], device="cpu")
    encode(sae, job["x"], job["out"])
    cfg = sae.cfg
    with open(job["out"] + ".json", "w") as f:
        json.dump({
            "class": type(sae).__name__,
            "model_name": cfg.metadata.model_name,
            "hook_name": cfg.metadata.hook_name,
            "normalize_activations": cfg.normalize_activations,
            "apply_b_dec_to_input": cfg.apply_b_dec_to_input,
            "rescale_acts_by_decoder_norm": getattr(cfg, "rescale_acts_by_decoder_norm", None),
            "k": getattr(cfg, "k", None),
        }, f)


def save(job):
    torch.manual_seed(job["seed"])
    common = dict(d_in=job["d_in"], d_sae=job["d_sae"], dtype="float32", device="cpu",
                  apply_b_dec_to_input=job["apply_b_dec_to_input"],
                  normalize_activations=job["normalize_activations"],
                  metadata=SAEMetadata(model_name="gelu-1l", hook_name="blocks.0.hook_mlp_out"))
    if job["architecture"] == "topk":
        sae = TopKSAE(TopKSAEConfig(k=job["k"], rescale_acts_by_decoder_norm=job["rescale"], **common))
    elif job["architecture"] == "jumprelu":
        sae = JumpReLUSAE(JumpReLUSAEConfig(**common))
    else:
        sae = StandardSAE(StandardSAEConfig(**common))
    with torch.no_grad():
        for name, parameter in sae.named_parameters():
            parameter.copy_(torch.randn_like(parameter) * (0.3 if name.startswith("W") else 0.1))
        if job["architecture"] == "jumprelu":
            # thresholds on the pre-activations' scale, so that some positive ones stay below them
            sae.threshold.copy_(torch.rand_like(sae.threshold) * 0.6)
    sae.save_model(job["dir"])
    encode(sae, job["x"], job["out"])


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        {"load": load, "save": save}[job["mode"]](job)
    print("done", len(jobs))
