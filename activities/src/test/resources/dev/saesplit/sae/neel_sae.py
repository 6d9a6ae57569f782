"""Writes and reads SAEs as Neel Nanda's 1L-Sparse-Autoencoder does, for NeelSaeParityTest.

The class below has the repository's parameters, initialisation and encoder (acts = ReLU((x - b_dec) @ W_enc +
b_enc)); saving is torch.save of its state dict beside json.dump of the training config, loading is the config
into the constructor and a strict load_state_dict, as the repository's save and load do.

Usage: neel_sae.py JOBS.json, where each job is
  {"mode": "save", "seed", "act_size", "dict_mult", "pt", "x", "out"}: builds an SAE with non-zero biases,
      saves it as pt (+ its _cfg.json) and writes its latents on x to out;
  {"mode": "load", "pt", "x", "out"}: loads pt as the repository would and writes its latents on x to out.
x and out are safetensors files holding "x" [n, act_size] and "latents" [n, dict_size].
"""
import json
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


class AutoEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        hidden = cfg["dict_size"]
        dtype = DTYPES[cfg["enc_dtype"]]
        torch.manual_seed(cfg["seed"])
        self.W_enc = nn.Parameter(nn.init.kaiming_uniform_(torch.empty(cfg["act_size"], hidden, dtype=dtype)))
        self.W_dec = nn.Parameter(nn.init.kaiming_uniform_(torch.empty(hidden, cfg["act_size"], dtype=dtype)))
        self.b_enc = nn.Parameter(torch.zeros(hidden, dtype=dtype))
        self.b_dec = nn.Parameter(torch.zeros(cfg["act_size"], dtype=dtype))
        self.W_dec.data[:] = self.W_dec / self.W_dec.norm(dim=-1, keepdim=True)

    def encode(self, x):
        return F.relu((x - self.b_dec) @ self.W_enc + self.b_enc)


def config(seed, act_size, dict_mult):
    """The keys the repository's training script writes (post_init_cfg's derived ones included)."""
    cfg = {"seed": seed, "batch_size": 4096, "buffer_mult": 384, "lr": 1e-4, "num_tokens": int(2e9),
           "l1_coeff": 3e-4, "beta1": 0.9, "beta2": 0.99, "dict_mult": dict_mult, "seq_len": 128,
           "enc_dtype": "fp32", "remove_rare_dir": False, "model_name": "gelu-1l", "site": "mlp_out",
           "layer": 0, "device": "cpu"}
    cfg["model_batch_size"] = cfg["batch_size"] // cfg["seq_len"] * 16
    cfg["buffer_size"] = cfg["batch_size"] * cfg["buffer_mult"]
    cfg["buffer_batches"] = cfg["buffer_size"] // cfg["seq_len"]
    cfg["act_name"] = "blocks.0.hook_mlp_out"
    cfg["act_size"] = act_size
    cfg["dict_size"] = act_size * dict_mult
    cfg["name"] = f"gelu-1l_0_{cfg['dict_size']}_mlp_out"
    return cfg


def cfg_path(pt):
    return pt.with_name(pt.name[: -len(".pt")] + "_cfg.json")


def save(job):
    cfg = config(job["seed"], job["act_size"], job["dict_mult"])
    sae = AutoEncoder(cfg)
    with torch.no_grad():
        # Biases the repository starts at zero; non-zero here, so the test sees b_dec subtracted and b_enc added.
        generator = torch.Generator().manual_seed(job["seed"] + 1)
        sae.b_enc.copy_(0.1 * torch.randn(cfg["dict_size"], generator=generator))
        sae.b_dec.copy_(0.5 * torch.randn(cfg["act_size"], generator=generator))
    pt = Path(job["pt"])
    torch.save(sae.state_dict(), pt)
    with open(cfg_path(pt), "w") as f:
        json.dump(cfg, f)
    return sae


def load(job):
    pt = Path(job["pt"])
    with open(cfg_path(pt)) as f:
        cfg = json.load(f)
    cfg.setdefault("seed", 0)
    cfg.setdefault("enc_dtype", "fp32")
    sae = AutoEncoder(cfg)
    sae.load_state_dict(torch.load(pt, map_location="cpu"))
    return sae


def main(jobs_file):
    for job in json.loads(Path(jobs_file).read_text()):
        sae = save(job) if job["mode"] == "save" else load(job)
        x = load_file(job["x"])["x"]
        with torch.no_grad():
            latents = sae.encode(x).contiguous()
        save_file({"latents": latents}, job["out"])


if __name__ == "__main__":
    main(sys.argv[1])
