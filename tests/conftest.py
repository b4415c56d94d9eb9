"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def session_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache home for the whole test session, away from the user's own caches."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def isolated_cache_home(session_cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point $XDG_CACHE_HOME at the session's cache home: tests never touch ~/.cache/reader."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(session_cache_home))
    return session_cache_home


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny real Marian zh→en model (random weights), built once per test session."""
    from tests.tinymodel import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian") / "model")
