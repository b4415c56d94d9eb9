"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.annotate import Annotator


@pytest.fixture(scope="session", autouse=True)
def isolated_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Caches in a session folder, set before any fixture builds an article (not ~/.cache)."""
    home = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny real Marian zh→en model (random weights), built once per test session."""
    from tests.tinymodel import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian") / "model")


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Run tiny models on one thread (`pytestmark = pytest.mark.usefixtures(...)`)."""
    # their ops are too small to gain from more, and spinning worker threads slowed them
    # down up to 40 times on a busy 2-core machine
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def annotator(tmp_path_factory: pytest.TempPathFactory) -> Annotator:
    """One annotator per test module, with its own cache folder."""
    return Annotator(cache_dir=tmp_path_factory.mktemp("annotator-cache"))
