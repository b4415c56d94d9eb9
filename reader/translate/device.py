"""Where a model runs: the CPU thread layout and the device (cpu, cuda, mps)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from reader.errors import ModelError, UsageError

# Parallel workers by default at most (each holds its own activations).
_MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class ThreadLayout:
    """How a backend spreads work over CPU cores: parallel workers, each with its own threads."""

    workers: int
    """Batches translated at the same time."""
    intra: int
    """Threads each worker's matrix operations use."""


def parse_threads(spec: str | None) -> ThreadLayout | None:
    """Parse `--threads`: a count `N` (N workers of one thread) or `WxT`; None stays None."""
    if spec is None or not spec.strip():
        return None
    text = spec.strip().lower().replace("×", "x")
    parts = text.split("x")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (1, 2) or any(n < 1 for n in numbers):
        raise UsageError(
            f"threads '{spec}' is neither a count like 2 nor workers x threads like 2x1: "
            "fix the --threads value"
        )
    # one intra-op thread per worker measured fastest: a plain count means that many workers
    return ThreadLayout(numbers[0], numbers[1] if len(numbers) == 2 else 1)


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_threads() -> ThreadLayout:
    """The CPU layout that measured fastest (bench/translate.py): a worker per core, 1 thread each.

    On 2-core VMs two intra-op threads per worker made both backends 2-3 times slower, and
    two workers beat one. More than `_MAX_WORKERS` workers mostly add memory.
    """
    return ThreadLayout(min(available_cores(), _MAX_WORKERS), 1)


def resolve_device(device: str) -> str:
    """The torch device to run on: `auto` becomes cuda if present, else mps, else cpu."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def resolve_ct2_device(device: str, ctranslate2: Any) -> str:
    """ctranslate2's device for `device`: auto becomes cuda when a GPU is visible, else cpu."""
    if device == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device.startswith("cuda") or device == "cpu":
        return device.split(":")[0]
    raise ModelError(
        f"the ctranslate2 engine can't run on device '{device}': "
        "use --device cpu or cuda, or --engine transformers"
    )
