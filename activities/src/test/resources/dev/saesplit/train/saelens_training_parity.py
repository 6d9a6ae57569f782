"""The SAELens side of SaeLensTrainingParityTest, run once with a JSON list of jobs (argv[1]).

Each job builds SAELens's own training SAE of an architecture (batchtopk, matryoshka_batchtopk, jumprelu) with the
weights in job["weights"], runs one TrainingSAE.training_forward_pass on the batch in job["x"] with the given dead
latents and coefficients, backpropagates the loss as SAETrainer does, and writes every parameter's gradient
(grad_<name>) and the losses to job["out"], the state after the step (topk_threshold) to job["out"] + ".json", and
the SAE as SAELens saves it for inference (save_inference_model) to job["saved"]. Where job["ours"] names an SAE
saved by saesplit, it is loaded with SAE.load_from_disk and its latents on the batch go to job["ours"] + ".latents".
"""
import json
import sys

import torch
from safetensors.torch import load_file, save_file
from sae_lens.saes.batchtopk_sae import BatchTopKTrainingSAE, BatchTopKTrainingSAEConfig
from sae_lens.saes.jumprelu_sae import JumpReLUTrainingSAE, JumpReLUTrainingSAEConfig
from sae_lens.saes.matryoshka_batchtopk_sae import (MatryoshkaBatchTopKTrainingSAE,
                                                    MatryoshkaBatchTopKTrainingSAEConfig)
from sae_lens import SAE
from sae_lens.saes.sae import SAEMetadata, TrainStepInput


def build(job, d_in, d_sae):
    common = dict(d_in=d_in, d_sae=d_sae, dtype="float32", device="cpu",
                  metadata=SAEMetadata(model_name="gelu-1l", hook_name="blocks.0.hook_mlp_out"))
    arch = job["architecture"]
    if arch == "batchtopk":
        return BatchTopKTrainingSAE(BatchTopKTrainingSAEConfig(
            k=job["k"], rescale_acts_by_decoder_norm=job["rescale"], aux_loss_coefficient=job["aux_coefficient"],
            topk_threshold_lr=job["topk_threshold_lr"], **common))
    if arch == "matryoshka_batchtopk":
        return MatryoshkaBatchTopKTrainingSAE(MatryoshkaBatchTopKTrainingSAEConfig(
            k=job["k"], rescale_acts_by_decoder_norm=job["rescale"], aux_loss_coefficient=job["aux_coefficient"],
            topk_threshold_lr=job["topk_threshold_lr"], matryoshka_widths=list(job["widths"]), **common))
    if arch == "jumprelu":
        return JumpReLUTrainingSAE(JumpReLUTrainingSAEConfig(
            jumprelu_bandwidth=job["bandwidth"], jumprelu_ste_to_input=job["ste_to_input"],
            l0_coefficient=job["l0_coefficient"], **common))
    raise ValueError(arch)


def run(job):
    weights = load_file(job["weights"])
    x = load_file(job["x"])["x"]
    d_in, d_sae = weights["W_enc"].shape
    sae = build(job, d_in, d_sae)
    with torch.no_grad():
        for name, parameter in sae.named_parameters():
            parameter.copy_(weights[name])
        if "topk_threshold" in job:
            sae.topk_threshold = torch.tensor(job["topk_threshold"], dtype=torch.double)
    dead = load_file(job["x"])["dead"].bool()
    coefficients = {"l0": job["l0_coefficient"]} if job["architecture"] == "jumprelu" else {}
    output = sae.training_forward_pass(TrainStepInput(
        sae_in=x, coefficients=coefficients, dead_neuron_mask=dead, n_training_steps=0, is_logging_step=False))
    output.loss.backward()
    tensors = {"grad_" + name: p.grad.contiguous() for name, p in sae.named_parameters()}
    tensors.update({"loss_" + name: v.detach().reshape(1).float() for name, v in output.losses.items()})
    tensors["loss"] = output.loss.detach().reshape(1).float()
    save_file(tensors, job["out"])
    state = {"losses": sorted(output.losses)}
    if hasattr(sae, "topk_threshold"):
        state["topk_threshold"] = sae.topk_threshold.item()
    with open(job["out"] + ".json", "w") as f:
        json.dump(state, f)
    sae.save_inference_model(job["saved"])
    if "ours" in job:
        ours = SAE.load_from_disk(job["ours"], device="cpu")
        with torch.no_grad():
            save_file({"latents": ours.encode(x).contiguous(), "is_jumprelu": torch.tensor(
                [float(type(ours).__name__ == "JumpReLUSAE")])}, job["ours"] + ".latents")


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        run(job)
    print("done", len(jobs))
