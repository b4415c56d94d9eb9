"""Context model for polyphonic characters: g2pM's bi-LSTM weights, run batched with numpy."""

from __future__ import annotations

import functools
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.errors import ModelError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Matrix = NDArray[np.floating[Any]]

# g2pM marks the start and end of a sentence with these two characters.
_BOS = "시"
_EOS = "끝"
_UNKNOWN = "<UNK>"


@dataclass(frozen=True, slots=True)
class Guess:
    """The model's reading of one character in its sentence."""

    reading: str
    """Numbered pinyin (`zhang3`, `de5`, `lü4`)."""
    probability: float
    """The model's probability of that reading among the character's possible readings."""


class ContextModel:
    """Reads polyphonic characters from the whole sentence (g2pM, Park & Lee 2020)."""

    def __init__(
        self,
        weights: Mapping[str, Any],
        char_ids: Mapping[str, int],
        classes: Mapping[str, int],
        char_readings: Mapping[str, Sequence[str]],
    ) -> None:
        import numpy as np

        def w(name: str) -> Matrix:
            return np.asarray(weights[name], dtype=np.float32)

        self._embeddings = w("embedding.weight")
        # Both directions run in one loop: weights stacked (forward, backward). The g gate's
        # columns are doubled so that one sigmoid gives every gate: tanh(x) = 2σ(2x) - 1.
        size = weights["lstm.weight_hh_l0"].shape[1]
        scale = np.ones(4 * size, dtype=np.float32)
        scale[2 * size : 3 * size] = 2.0
        self._size = size
        self._w_in = np.stack(
            [w("lstm.weight_ih_l0").T * scale, w("lstm.weight_ih_l0_reverse").T * scale]
        )
        self._w_rec = np.stack(
            [w("lstm.weight_hh_l0").T * scale, w("lstm.weight_hh_l0_reverse").T * scale]
        )
        self._bias = np.stack(
            [
                (w("lstm.bias_ih_l0") + w("lstm.bias_hh_l0")) * scale,
                (w("lstm.bias_ih_l0_reverse") + w("lstm.bias_hh_l0_reverse")) * scale,
            ]
        )[:, None, None, :]
        self._hidden = (w("logit_layer.0.weight").T.copy(), w("logit_layer.0.bias"))
        self._logits = (w("logit_layer.2.weight").T.copy(), w("logit_layer.2.bias"))
        self._char_ids = dict(char_ids)
        self._unknown = char_ids[_UNKNOWN]
        # g2pM writes ü as "u:"; reader writes it as pypinyin does.
        self._class_names = {index: name.replace("u:", "ü") for name, index in classes.items()}
        # Only readings the classifier knows can be chosen; a character with fewer than two is
        # not a polyphone as far as the model is concerned.
        self._candidates: dict[str, tuple[int, ...]] = {}
        for char, readings in char_readings.items():
            known = tuple(classes[r] for r in readings if r in classes)
            if len(known) > 1:
                self._candidates[char] = known

    @classmethod
    def load(cls) -> ContextModel:
        """g2pM's model, loaded once per process and shared: it never changes after loading
        (loading it took 25 ms per article of a batch)."""
        return _shared()

    @classmethod
    def read(cls) -> ContextModel:
        """Load g2pM's weights from its installed package (about 2 MB, numpy only)."""
        try:
            from importlib.resources import files

            folder = files("g2pM")
            parts = {}
            for name in ("np_ckpt", "char2idx", "class2idx", "digest_cedict"):
                # The files ship inside the g2pM wheel we depend on; nothing from outside.
                parts[name] = pickle.loads(folder.joinpath(f"{name}.pkl").read_bytes())
        except ModuleNotFoundError:
            raise ModelError(
                "the polyphone model g2pM is not installed; run `pip install g2pM`"
            ) from None
        except (OSError, pickle.UnpicklingError, EOFError) as exc:
            raise ModelError(
                f"the polyphone model g2pM could not be read ({exc}); reinstall it with "
                "`pip install --force-reinstall g2pM`"
            ) from None
        return cls(parts["np_ckpt"], parts["char2idx"], parts["class2idx"], parts["digest_cedict"])

    def is_polyphone(self, char: str) -> bool:
        """Whether the model chooses among several readings for this character."""
        return char in self._candidates

    def readings(self, char: str) -> tuple[str, ...]:
        """The readings the model chooses among for a character (empty if not a polyphone)."""
        return tuple(self._class_names[i] for i in self._candidates.get(char, ()))

    def predict(self, queries: Sequence[tuple[str, Sequence[int]]]) -> list[list[Guess]]:
        """For each (sentence, positions), the reading of the polyphone at each position."""
        import numpy  # noqa: F401  (loaded first: threadpoolctl limits only loaded BLAS)

        queries = [(s, p) for s, p in queries]
        if not any(positions for _, positions in queries):
            return [[] for _ in queries]
        from threadpoolctl import threadpool_limits

        # The matrices are small: more BLAS threads only spin (2 cores: 35 -> 8 s of CPU for
        # 200 short articles).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._predict(queries)

    def _predict(self, queries: Sequence[tuple[str, Sequence[int]]]) -> list[list[Guess]]:
        """`predict` on one BLAS thread."""
        import numpy as np

        batch = len(queries)
        length = max(len(sentence) for sentence, _ in queries) + 2
        ids = np.zeros((2, batch, length), dtype=np.int64)
        lengths = []
        for row, (sentence, _) in enumerate(queries):
            known = [self._char_ids.get(c, self._unknown) for c in (_BOS, *sentence, _EOS)]
            ids[0, row, : len(known)] = known
            # The backward pass reads each sentence reversed from its own end, so padding
            # trails in both directions and never reaches a state that is used.
            ids[1, row, : len(known)] = known[::-1]
            lengths.append(len(known))
        states = self._run(self._embeddings[ids])
        rows: list[int] = []
        forward: list[int] = []
        backward: list[int] = []
        chars: list[str] = []
        for row, (sentence, positions) in enumerate(queries):
            for position in positions:
                rows.append(row)
                forward.append(position + 1)
                backward.append(lengths[row] - 2 - position)
                chars.append(sentence[position])
        hidden_in = np.concatenate([states[0, rows, forward], states[1, rows, backward]], axis=1)
        hidden = np.maximum(hidden_in @ self._hidden[0] + self._hidden[1], 0.0)
        logits = hidden @ self._logits[0] + self._logits[1]
        guesses: list[Guess] = []
        for char, scores in zip(chars, logits, strict=True):
            candidates = self._candidates.get(char, ())
            if not candidates:
                raise ValueError(f"{char!r} is not a polyphone the model knows")
            chosen = scores[list(candidates)]
            odds = np.exp(chosen - chosen.max()).astype(np.float64)
            odds /= odds.sum()
            best = int(odds.argmax())
            guesses.append(Guess(self._class_names[candidates[best]], float(odds[best])))
        result: list[list[Guess]] = []
        taken = 0
        for _, positions in queries:
            result.append(guesses[taken : taken + len(positions)])
            taken += len(positions)
        return result

    def _run(self, embedded: Matrix) -> Matrix:
        """Hidden states of both LSTM directions, shape (2, batch, time, size)."""
        import numpy as np

        _, batch, length, _ = embedded.shape
        size = self._size
        projected = np.matmul(embedded, self._w_in[:, None]) + self._bias
        h = np.zeros((2, batch, size), dtype=np.float32)
        c = np.zeros((2, batch, size), dtype=np.float32)
        out = np.empty((2, batch, length, size), dtype=np.float32)
        for t in range(length):
            gates = _sigmoid(projected[:, :, t] + np.matmul(h, self._w_rec))
            c = gates[..., size : 2 * size] * c + gates[..., :size] * (
                2.0 * gates[..., 2 * size : 3 * size] - 1.0
            )
            h = gates[..., 3 * size :] * np.tanh(c)
            out[:, :, t] = h
        return out


def _sigmoid(x: Matrix) -> Matrix:
    """The logistic function."""
    import numpy as np

    result: Matrix = 1.0 / (1.0 + np.exp(-x))
    return result


@functools.lru_cache(maxsize=1)
def _shared() -> ContextModel:
    """The one polyphone model of this process."""
    return ContextModel.read()
