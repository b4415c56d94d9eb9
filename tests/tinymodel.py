"""Build a tiny but real Marian translation model (random weights) for tests."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ZH_LINES = (
    "我今天早上七点起床，然后去公园跑步。",
    "北京是中国的首都，也是一座历史悠久的城市。",
    "她每天晚上都看书，最喜欢的是小说。",
    "我们明天要去上海开会，你想一起去吗？",
    "这家饭馆的菜很好吃，价格也不贵。",
    "天气预报说下午会下雨，记得带伞。",
    "他在银行工作了十年，现在是经理。",
    "学习中文需要耐心，每天练习写字很重要。",
    "老师说考试的时间改到了下个星期三。",
    "火车站离这里不远，走路十分钟就到了。",
    "我的朋友从美国来，他第一次吃饺子。",
    "周末我们全家一起去爬山，风景非常美。",
    "这本书讲的是一个小女孩的成长故事。",
    "医生建议他多喝水，早点休息。",
    "电脑坏了，我得找人帮我修一下。",
    "春节的时候，大家都回家和家人团聚。",
    "超市里的水果很新鲜，苹果特别甜。",
    "请你把窗户打开，房间里太热了。",
    "孩子们在操场上踢足球，玩得很开心。",
    "我昨天买了一件新衣服，颜色是蓝色的。",
    "这个问题很复杂，我们需要再讨论一下。",
    "飞机晚点了两个小时，乘客们都很着急。",
    "他说的话让我很感动，我会一直记得。",
    "图书馆每天早上九点开门，晚上十点关门。",
)

EN_LINES = (
    "I got up at seven this morning and then went running in the park.",
    "Beijing is the capital of China and a city with a long history.",
    "She reads every evening, and her favourite books are novels.",
    "We are going to Shanghai for a meeting tomorrow; do you want to come?",
    "The food in this restaurant is delicious and not expensive.",
    "The weather forecast says it will rain this afternoon, so take an umbrella.",
    "He has worked at the bank for ten years and is now a manager.",
    "Learning Chinese takes patience, and practising writing every day matters.",
    "The teacher said the exam has been moved to next Wednesday.",
    "The railway station is not far from here, ten minutes on foot.",
    "My friend comes from America and is eating dumplings for the first time.",
    "At the weekend our whole family went climbing; the view was beautiful.",
    "This book tells the story of a little girl growing up.",
    "The doctor advised him to drink more water and rest early.",
    "My computer is broken, so I need someone to repair it.",
    "During the Spring Festival everyone goes home to be with their family.",
    "The fruit in the supermarket is fresh, and the apples are very sweet.",
    "Please open the window; the room is too hot.",
    "The children are playing football on the sports field and having fun.",
    "Yesterday I bought a new piece of clothing; it is blue.",
    "This question is complicated, so we need to discuss it again.",
    "The plane was two hours late and the passengers were anxious.",
    "What he said moved me, and I will always remember it.",
    "The library opens at nine every morning and closes at ten at night.",
)

EOS, UNK, PAD = "</s>", "<unk>", "<pad>"


def _train_spm(lines: tuple[str, ...], vocab_size: int) -> bytes:
    """Train a small unigram SentencePiece model on `lines` and return its bytes."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        # a few dozen lines can't fill an exact vocabulary size
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return buffer.getvalue()


def _pieces(model: bytes) -> list[str]:
    """The normal (non-control) pieces of a SentencePiece model, in id order."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def build_tiny_marian(folder: Path) -> Path:
    """Write a tiny random-weight Marian zh→en model with its tokenizer into `folder`."""
    return build_marian(folder)


def build_marian(
    folder: Path,
    *,
    zh_lines: Sequence[str] = ZH_LINES,
    en_lines: Sequence[str] = EN_LINES,
    source_pieces: int = 300,
    target_pieces: int = 200,
    vocab_size: int | None = None,
    d_model: int = 32,
    layers: int = 2,
    heads: int = 2,
    ffn: int = 64,
    num_beams: int = 1,
    max_length: int = 64,
    init_std: float = 0.5,
) -> Path:
    """Write a random-weight Marian zh→en model and its tokenizer into `folder`.

    The defaults give the tiny test model; `vocab_size` pads the vocabulary with filler
    pieces to an exact size (65,001 for opus-mt-zh-en), so the output layer costs as much.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    source = _train_spm(tuple(zh_lines), source_pieces)
    target = _train_spm(tuple(en_lines), target_pieces)
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)

    # Marian's layout: </s> 0, <unk> 1, the shared pieces, <pad> last.
    vocab: dict[str, int] = {EOS: 0, UNK: 1}
    for piece in _pieces(source) + _pieces(target):
        vocab.setdefault(piece, len(vocab))
    if vocab_size is not None:
        for number in range(vocab_size - 1 - len(vocab)):
            vocab[f"▁filler{number}"] = len(vocab)
    vocab[PAD] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses."
        tokenizer = MarianTokenizer(
            source_spm=str(folder / "source.spm"),
            target_spm=str(folder / "target.spm"),
            vocab=str(folder / "vocab.json"),
            source_lang="zh",
            target_lang="en",
        )
    tokenizer.save_pretrained(folder)

    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=512,
        pad_token_id=vocab[PAD],
        eos_token_id=vocab[EOS],
        decoder_start_token_id=vocab[PAD],
        # wide logits keep greedy argmax far from ties, so batching can't flip a token
        init_std=init_std,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(
        max_length=max_length,
        num_beams=num_beams,
        pad_token_id=vocab[PAD],
        eos_token_id=vocab[EOS],
        decoder_start_token_id=vocab[PAD],
        bad_words_ids=[[vocab[PAD]]],
    )
    model.save_pretrained(folder, safe_serialization=True)
    return folder


def _characters(lines: Sequence[str]) -> list[str]:
    """Every character of `lines` except spaces, in first-seen order."""
    return list(dict.fromkeys(char for line in lines for char in line if not char.isspace()))


def _seq2seq_config(
    config_class: Any,
    vocab_size: int,
    d_model: int,
    *,
    layers: int = 2,
    heads: int = 2,
    ffn: int | None = None,
    positions: int = 256,
    init_std: float = 0.5,
    **extra: Any,
) -> Any:
    """An encoder-decoder configuration of `config_class` (tiny by default: 2 layers, 2 heads)."""
    return config_class(
        vocab_size=vocab_size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn or 2 * d_model,
        decoder_ffn_dim=ffn or 2 * d_model,
        max_position_embeddings=positions,
        init_std=init_std,
        dropout=0.0,
        **extra,
    )


def _save_seq2seq(folder: Path, model_class: Any, config: Any, tokenizer: Any, **gen: Any) -> Path:
    """Save a random-weight model of `config` with `tokenizer` and generation settings."""
    import torch
    from transformers import GenerationConfig

    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    model = model_class(config)
    gen.setdefault("num_beams", 1)
    gen.setdefault("max_length", 64)
    model.generation_config = GenerationConfig(
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        **gen,
    )
    model.save_pretrained(folder, safe_serialization=True)
    return folder


def build_nllb(
    folder: Path,
    *,
    d_model: int = 32,
    vocab_size: int | None = None,
    layers: int = 2,
    heads: int = 2,
    ffn: int | None = None,
    num_beams: int = 1,
) -> Path:
    """An NLLB-200 model as saved on the hub: no source language, no forced target in its config.

    Its tokenizer's vocabulary is the characters of the test text (plus fillers up to
    `vocab_size`, for a benchmark model as costly as the real one; the sizes likewise).
    """
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "▁": 4}
    for char in _characters(ZH_LINES + EN_LINES):
        vocab.setdefault(char, len(vocab))
        vocab.setdefault(f"▁{char}", len(vocab))
    if vocab_size is not None:
        for number in range(vocab_size - 210 - len(vocab)):
            vocab[f"▁filler{number}"] = len(vocab)
    tokenizer = NllbTokenizer(vocab=vocab, merges=[])
    config = _seq2seq_config(
        M2M100Config,
        len(tokenizer),
        d_model,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        scale_embedding=True,
        layers=layers,
        heads=heads,
        ffn=ffn,
        positions=256 if vocab_size is None else 1024,
        init_std=0.5 if vocab_size is None else 0.02,
    )
    return _save_seq2seq(
        folder,
        M2M100ForConditionalGeneration,
        config,
        tokenizer,
        num_beams=num_beams,
        max_length=64 if vocab_size is None else 256,
    )


def build_m2m100(folder: Path, *, d_model: int = 32) -> Path:
    """An M2M100 model: SentencePiece pieces of the test text, `__zh__`-style language tokens."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    spm = _train_spm(tuple(ZH_LINES) + tuple(EN_LINES), 400)
    (folder / "sentencepiece.bpe.model").write_bytes(spm)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in _pieces(spm):
        vocab.setdefault(piece, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(
        vocab_file=str(folder / "vocab.json"), spm_file=str(folder / "sentencepiece.bpe.model")
    )
    # the hub's M2M100 models: pieces, then language tokens, then 8 made-up words
    config = _seq2seq_config(
        M2M100Config,
        len(tokenizer.encoder) + len(tokenizer.lang_code_to_id) + tokenizer.num_madeup_words,
        d_model,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        scale_embedding=True,
    )
    return _save_seq2seq(folder, M2M100ForConditionalGeneration, config, tokenizer)


def build_mbart50(folder: Path, *, d_model: int = 32) -> Path:
    """An mBART-50 many-to-many model: `zh_CN`/`en_XX` language tokens, as on the hub."""
    import sentencepiece as spm_module
    from transformers import MBart50Tokenizer, MBartConfig, MBartForConditionalGeneration

    folder.mkdir(parents=True, exist_ok=True)
    spm = _train_spm(tuple(ZH_LINES) + tuple(EN_LINES), 400)
    processor = spm_module.SentencePieceProcessor(model_proto=spm)
    pieces = [
        (processor.id_to_piece(i), processor.get_score(i))
        for i in range(processor.get_piece_size())
    ]
    tokenizer = MBart50Tokenizer(vocab=pieces)
    config = _seq2seq_config(
        MBartConfig,
        len(tokenizer),
        d_model,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        scale_embedding=True,
        tokenizer_class="MBart50Tokenizer",
    )
    return _save_seq2seq(folder, MBartForConditionalGeneration, config, tokenizer)


T5_PREFIX = "translate Chinese to English: "
"""The task prefix the tiny T5 model's config names for zh→en, as a hub T5 config would."""


def build_t5(folder: Path, *, d_model: int = 32, prefix: str | None = T5_PREFIX) -> Path:
    """A T5 model: SentencePiece pieces of the test text (and the prefix), pad 0, eos 1, unk 2;
    its config names the zh→en task prefix in `task_specific_params` (None: it names none)."""
    import sentencepiece as spm_module
    import torch
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    spm = _train_spm((*ZH_LINES, *EN_LINES, T5_PREFIX), 400)
    processor = spm_module.SentencePieceProcessor(model_proto=spm)
    pieces = [(PAD, 0.0), (EOS, 0.0), (UNK, 0.0)] + [
        (processor.id_to_piece(i), processor.get_score(i))
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]
    tokenizer = T5Tokenizer(vocab=pieces, extra_ids=0)
    tokenizer.save_pretrained(folder)
    params = {"translation_zh_to_en": {"prefix": prefix}} if prefix is not None else None
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=d_model,
        d_kv=d_model // 2,
        d_ff=2 * d_model,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=2,
        dropout_rate=0.0,
        initializer_factor=4.0,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        task_specific_params=params,
    )
    torch.manual_seed(0)
    model = T5ForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, num_beams=1, max_length=64
    )
    model.save_pretrained(folder, safe_serialization=True)
    return folder


CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n{% endif %}"
    "{% endif %}"
)
"""A Qwen-style chat template (Qwen3's switch for thinking included)."""


def build_qwen2(
    folder: Path,
    *,
    hidden: int = 32,
    layers: int = 2,
    heads: int = 2,
    kv_heads: int = 1,
    ffn: int = 64,
    vocab_size: int | None = None,
) -> Path:
    """A random-weight Qwen2 chat model with a byte-level BPE tokenizer trained on the test text.

    Its generation config asks for sampling, as Qwen2.5-Instruct's does: reader must decode
    greedily anyway.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import (
        GenerationConfig,
        PreTrainedTokenizerFast,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    from reader.translate.chat import SYSTEM

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600 if vocab_size is None else vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    text = [*ZH_LINES, *EN_LINES, SYSTEM, "Translate into English:", "1. 2. 3. <think> </think>"]
    backend.train_from_iterator(text, trainer)
    if vocab_size is not None:
        backend.add_tokens([f"filler{n}" for n in range(vocab_size - backend.get_vocab_size())])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token=None,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    pad = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=ffn,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=pad,
        eos_token_id=eos,
        pad_token_id=pad,
        initializer_range=0.5,
    )
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(
        do_sample=True,
        temperature=0.7,
        top_p=0.8,
        top_k=20,
        repetition_penalty=1.05,
        bos_token_id=pad,
        eos_token_id=[eos, pad],
        pad_token_id=pad,
    )
    model.save_pretrained(folder, safe_serialization=True)
    return folder
