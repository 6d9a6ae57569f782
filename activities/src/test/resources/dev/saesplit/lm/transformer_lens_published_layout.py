"""The TransformerLens side of PublishedLayoutParityTest: argv[1] is a folder to fill, argv[2] a seed.

Writes into the folder a random model with gelu-1l's configuration (1 layer, d_model 512, 8 heads of 64, d_mlp 2048,
gelu, LayerNorm; only d_vocab and n_ctx smaller) in the layout of the published NeelNanda/GELU_1L512W_C4_Code:
model/config.json with the keys of the training run's own config (TransformerLens maps them with
convert_neel_model_config) and model/model_final.pth, a torch.save'd state dict without unembed.b_U. Every
parameter is random, LayerNorm scales and all biases included.

Then runs TransformerLens's own HookedTransformer.from_pretrained("gelu-1l") and from_pretrained_no_processing on it,
with only the hub download replaced by the folder (hf_hub_download returns the local file, HfApi lists the folder's
files), and saves tokens, hook_mlp_out, mlp.hook_post, hook_resid_post and logits of both to reference.safetensors.
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file

import transformer_lens.loading_from_pretrained as loading
import transformer_lens.utilities.hf_utils as hf_utils
from transformer_lens import HookedTransformer, HookedTransformerConfig

D_VOCAB = 1000
N_CTX = 64
BATCH, POS = 3, 16

# The published config.json: the sizes and architecture keys convert_neel_model_config reads, beside training
# settings it does not. tokenizer_name is left out: TransformerLens would download that tokenizer.
NEEL_CONFIG = {
    "act_fn": "gelu", "attn_only": False, "d_head": 64, "d_mlp": 2048, "d_model": 512, "d_vocab": D_VOCAB,
    "n_ctx": N_CTX, "n_heads": 8, "n_layers": 1, "normalization": "LN", "shortformer_pos": False, "ln_eps": 1e-5,
    "lr": 1e-3, "batch_size": 32, "n_devices": 8, "seed": 0, "use_bfloat16_matmul": True, "weight_decay": 0.05,
}


def write_model(folder, seed):
    torch.manual_seed(seed)
    cfg = HookedTransformerConfig(n_layers=1, d_model=512, d_head=64, n_heads=8, d_mlp=2048, d_vocab=D_VOCAB,
                                  n_ctx=N_CTX, act_fn="gelu", normalization_type="LN", seed=seed)
    model = HookedTransformer(cfg)
    state = {}
    for name, value in model.state_dict().items():
        if name.endswith(".w"):
            value = 1 + 0.2 * torch.randn_like(value)
        elif name.endswith(".b") or name.split(".")[-1].startswith("b_"):
            value = 0.1 * torch.randn_like(value)
        elif name.split(".")[-1].startswith("W_"):
            value = torch.randn_like(value) / value.shape[-2] ** 0.5
        state[name] = value.contiguous()
    # solu_project's unembedding has no bias; its masking value was -1e5.
    del state["unembed.b_U"]
    state["blocks.0.attn.IGNORE"] = torch.tensor(-1e5)
    os.makedirs(folder, exist_ok=True)
    torch.save(state, os.path.join(folder, "model_final.pth"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(NEEL_CONFIG, f, indent=2)


def serve_from(folder):
    """Replaces the hub by the folder and nothing else: TransformerLens still reads config and weights itself."""
    def hf_hub_download(repo_id, filename, subfolder=".", **kwargs):
        return os.path.join(folder, filename)

    class LocalApi:
        def list_repo_files(self, repo_id, **kwargs):
            return sorted(os.listdir(folder))

    hf_utils.hf_hub_download = hf_hub_download
    loading.HfApi = LocalApi


def activations(model, tokens, prefix):
    logits, cache = model.run_with_cache(tokens)
    return {
        prefix + "hook_mlp_out": cache["blocks.0.hook_mlp_out"],
        prefix + "mlp.hook_post": cache["blocks.0.mlp.hook_post"],
        prefix + "hook_resid_post": cache["blocks.0.hook_resid_post"],
        prefix + "logits": logits,
    }


def main():
    out, seed = sys.argv[1], int(sys.argv[2])
    folder = os.path.join(out, "model")
    write_model(folder, seed)
    serve_from(folder)
    torch.manual_seed(seed + 1)
    tokens = torch.randint(0, D_VOCAB, (BATCH, POS))
    # Token ids as float32: saesplit's safetensors reader reads floats, and ids below 2^24 are exact.
    tensors = {"tokens": tokens.to(torch.float32)}
    with torch.no_grad():
        processed = HookedTransformer.from_pretrained("gelu-1l", device="cpu")
        tensors.update(activations(processed, tokens, "from-pretrained/"))
        unprocessed = HookedTransformer.from_pretrained_no_processing("gelu-1l", device="cpu")
        tensors.update(activations(unprocessed, tokens, "none/"))
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out, "reference.safetensors"))


if __name__ == "__main__":
    main()
