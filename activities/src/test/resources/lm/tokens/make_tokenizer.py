"""Regenerates the tokenizer fixtures beside this script.

Writes:
  tokenizer.json      a tiny byte-level BPE (vocabulary 300) with a "<bos>" special token, trained on the
                      sentences below; its post-processor puts <bos> first, which is how saesplit finds the BOS
  expected_ids.json   the ids the Python `tokenizers` package gives for each probe text (no special tokens),
                      so the Java tests check that both libraries agree
  tokens_int32.npy    1-D int32 token stream (documents not delimited)
  tokens_int64.npy    2-D int64 [3, 8] pre-tokenized contexts, each starting with BOS (id 0)
  tokens_uint16.npy   1-D uint16 token stream, as nanoGPT-style corpora store GPT-2 ids

Run it from anywhere, in a scratch virtual environment:
  python -m venv venv && venv/bin/pip install tokenizers numpy && venv/bin/python make_tokenizer.py
The outputs are committed; rerun only to change them (training is deterministic for a given tokenizers version).
"""
import json
import pathlib

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

HERE = pathlib.Path(__file__).resolve().parent

TRAINING_SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "A multi-channel mixer has an 8-speed fan.",
    "Long-standing ideas are worth a second look.",
    "I'm a multi-millionaire, said the fox.",
    "A 3-point landing is hard; the dog sleeps.",
    "def greet(name): return 'Hello, ' + name",
] * 20

PROBE_TEXTS = [
    "The quick brown fox.",
    "I'm a multi-millionaire",
    "Unseen words: zebra quartz!",
    "  leading spaces and\nnew lines",
]


def train() -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<bos>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(TRAINING_SENTENCES, trainer=trainer)
    bos = tokenizer.token_to_id("<bos>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<bos> $A", pair="<bos> $A <bos> $B", special_tokens=[("<bos>", bos)]
    )
    return tokenizer


def main() -> None:
    tokenizer = train()
    tokenizer.save(str(HERE / "tokenizer.json"))
    expected = {
        "bos_id": tokenizer.token_to_id("<bos>"),
        "vocab_size": tokenizer.get_vocab_size(with_added_tokens=True),
        "encodings": [
            {"text": text, "ids": tokenizer.encode(text, add_special_tokens=False).ids} for text in PROBE_TEXTS
        ],
    }
    (HERE / "expected_ids.json").write_text(json.dumps(expected, indent=2) + "\n")

    np.save(HERE / "tokens_int32.npy", np.arange(100, 120, dtype=np.int32))
    contexts = np.arange(1, 25, dtype=np.int64).reshape(3, 8)
    contexts[:, 0] = 0
    np.save(HERE / "tokens_int64.npy", contexts)
    np.save(HERE / "tokens_uint16.npy", np.array([50256, 15496, 995, 60000, 65535], dtype=np.uint16))


if __name__ == "__main__":
    main()
