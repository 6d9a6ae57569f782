"""Builds the language-model parity fixture: small random transformers and TransformerLens's own activations.

Run by hand, once, whenever the fixture must change (its outputs are committed beside this script):

    python3 -m venv /tmp/tlvenv
    /tmp/tlvenv/bin/pip install torch "transformer_lens<4"
    /tmp/tlvenv/bin/python make_fixture.py            # from this directory

(TransformerLens 4 dropped HookedTransformer, whose names and numerics the Java engine follows; the fixture
was made with transformer_lens 3.9, torch 2.15 and transformers 5.23.)

It writes, next to itself:

  tl-pth/model.pth, config.json            TransformerLens HookedTransformer (2 layers, gelu, LN), state dict
                                           saved with torch.save in float16 (buffers mask and IGNORE included)
  tl-safetensors/model.safetensors, config.json
                                           the same model with TransformerLens names, F16
  tl-reference.safetensors                 its activations at every hook, its logits and its loss
  hf-gpt2/model.safetensors, config.json   a HuggingFace GPT2LMHeadModel (gelu_new), save_pretrained, BF16
  hf-gpt2-reference.safetensors            TransformerLens's activations for it, after convert_gpt2_weights
  pth/views.pth                            tensors that are views of shared storages (offsets, strides,
                                           dtypes), for the .pth reader
  pth/nested.pth                           a state dict nested under "model" beside non-tensor entries
  broken-missing/, broken-shape/           a tiny TransformerLens model whose .pth lacks blocks.0.mlp.W_in,
                                           and one whose blocks.0.attn.W_Q has the wrong shape

Weights are rounded to float16 / bfloat16 *before* the references are computed, so the narrow files hold
exactly the weights the float32 references were computed with, and parity can be checked to 1e-4. Reference
files store token ids as float32 (exact below 2^24) under "tokens".
"""
import json
import os
import shutil

import torch
from safetensors.torch import save_file
from transformer_lens import HookedTransformer, HookedTransformerConfig
from transformer_lens.pretrained.weight_conversions import convert_gpt2_weights
from transformers import GPT2Config, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
SEQUENCES, POSITIONS = 3, 10
SHAPE = dict(n_layers=2, d_model=64, n_heads=4, d_head=16, d_mlp=256, d_vocab=512, n_ctx=32)
HOOKS = ["hook_embed", "hook_pos_embed"] + [
    f"blocks.{layer}.{site}"
    for layer in range(SHAPE["n_layers"])
    for site in ["hook_resid_pre", "hook_attn_out", "hook_resid_mid", "mlp.hook_pre", "mlp.hook_post",
                 "hook_mlp_out", "hook_resid_post"]
] + ["ln_final.hook_normalized"]


def fresh_dir(name):
    path = os.path.join(HERE, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def tl_config_json(cfg):
    """cfg.to_dict() with what JSON can hold, as TransformerLens-style configs on the Hub look: many keys."""
    out = {}
    for key, value in cfg.to_dict().items():
        if value is None or isinstance(value, (bool, int, float, str)):
            out[key] = value
    return out


def perturb(model, generator, weight_std):
    """Random weights of a non-trivial scale: LayerNorm far from identity, biases non-zero."""
    with torch.no_grad():
        for name, param in model.named_parameters():
            noise = torch.randn(param.shape, generator=generator)
            if name.endswith((".w", "ln_1.weight", "ln_2.weight", "ln_f.weight")):
                param.copy_(1 + 0.2 * noise)
            elif param.ndim == 1 or name.endswith((".b", "b_Q", "b_K", "b_V")):
                param.copy_(0.1 * noise)
            else:
                param.copy_(weight_std * noise)


def round_to(model, dtype):
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(param.to(dtype).float())


def references(model, tokens):
    logits, cache = model.run_with_cache(tokens)
    loss = model(tokens, return_type="loss")
    tensors = {"tokens": tokens.float(), "logits": logits, "loss": loss.reshape(1)}
    for hook in HOOKS:
        tensors[hook] = cache[hook]
    return {k: v.detach().float().clone().contiguous() for k, v in tensors.items()}


def tl_model(generator):
    cfg = HookedTransformerConfig(**SHAPE, act_fn="gelu", normalization_type="LN", model_name="parity-gelu-2l",
                                  seed=1, device="cpu")
    model = HookedTransformer(cfg).eval()
    perturb(model, generator, weight_std=0.8 / SHAPE["d_model"] ** 0.5 * 2)
    round_to(model, torch.float16)
    return model


def write_tl(model, tokens):
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    pth_dir = fresh_dir("tl-pth")
    torch.save(half, os.path.join(pth_dir, "model.pth"))
    write_json(os.path.join(pth_dir, "config.json"), tl_config_json(model.cfg))
    st_dir = fresh_dir("tl-safetensors")
    params = {k: v.half().contiguous() for k, v in model.named_parameters()}
    save_file(params, os.path.join(st_dir, "model.safetensors"))
    write_json(os.path.join(st_dir, "config.json"), tl_config_json(model.cfg))
    save_file(references(model, tokens), os.path.join(HERE, "tl-reference.safetensors"))


def write_hf(generator, tokens):
    hf_cfg = GPT2Config(vocab_size=SHAPE["d_vocab"], n_positions=SHAPE["n_ctx"], n_embd=SHAPE["d_model"],
                        n_layer=SHAPE["n_layers"], n_head=SHAPE["n_heads"], activation_function="gelu_new",
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, name_or_path="parity-gpt2-2l")
    hf = GPT2LMHeadModel(hf_cfg).eval()
    perturb(hf, generator, weight_std=0.2)
    hf.tie_weights()
    round_to(hf, torch.bfloat16)
    out = fresh_dir("hf-gpt2")
    hf.to(torch.bfloat16).save_pretrained(out, safe_serialization=True)
    hf.float()
    for extra in os.listdir(out):
        if extra not in ("model.safetensors", "config.json"):
            os.remove(os.path.join(out, extra))

    tl_cfg = HookedTransformerConfig(**SHAPE, act_fn="gelu_new", normalization_type="LN",
                                     model_name="parity-gpt2-2l", eps=hf_cfg.layer_norm_epsilon, device="cpu")
    tl = HookedTransformer(tl_cfg).eval()
    state = convert_gpt2_weights(hf, tl_cfg)
    state["unembed.b_U"] = torch.zeros(SHAPE["d_vocab"])
    missing, unexpected = tl.load_state_dict(state, strict=False)
    assert not unexpected and all(k.endswith((".mask", ".IGNORE")) for k in missing), (missing, unexpected)
    refs = references(tl, tokens)
    with torch.no_grad():
        hf_logits = hf(tokens).logits
    assert torch.allclose(hf_logits, refs["logits"], atol=1e-4, rtol=1e-4), "TransformerLens and HF disagree"
    save_file(refs, os.path.join(HERE, "hf-gpt2-reference.safetensors"))


def write_pth_layouts():
    out = fresh_dir("pth")
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8 - 1
    views = {
        "base": base,
        "transposed": base.t(),
        "strided": base[1:, ::2],
        "half": base.half(),
        "bfloat16_tail": base.bfloat16()[2:],
        "double_column": base.double().t()[1],
        "int64": torch.arange(5),
    }
    torch.save(views, os.path.join(out, "views.pth"))
    torch.save({"model": {"weight": base}, "step": 3, "note": "not a tensor"}, os.path.join(out, "nested.pth"))


def write_broken(generator):
    cfg = HookedTransformerConfig(n_layers=1, d_model=8, n_heads=2, d_head=4, d_mlp=16, d_vocab=16, n_ctx=4,
                                  act_fn="gelu", normalization_type="LN", model_name="tiny", device="cpu")
    model = HookedTransformer(cfg)
    perturb(model, generator, weight_std=0.5)
    state = model.state_dict()
    missing = dict(state)
    del missing["blocks.0.mlp.W_in"]
    misshapen = dict(state)
    misshapen["blocks.0.attn.W_Q"] = torch.zeros(2, 8, 5)
    for name, broken in [("broken-missing", missing), ("broken-shape", misshapen)]:
        out = fresh_dir(name)
        torch.save(broken, os.path.join(out, "model.pth"))
        write_json(os.path.join(out, "config.json"), tl_config_json(cfg))


def main():
    generator = torch.Generator().manual_seed(20240611)
    tokens = torch.randint(0, SHAPE["d_vocab"], (SEQUENCES, POSITIONS), generator=generator)
    torch.set_grad_enabled(False)
    write_tl(tl_model(generator), tokens)
    write_hf(generator, tokens)
    write_pth_layouts()
    write_broken(generator)


if __name__ == "__main__":
    main()
