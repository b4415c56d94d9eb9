"""Annotation stage: Article → words with readings, in order: segment → readings → rules.

`segment` cuts sentences into words (jieba, then free phrases split into dictionary words);
`annotator` decides readings (pypinyin's and CC-CEDICT's phrases, the context model) and runs
`rules.RULES`, the ordered word rules (particles, everyday single-character polyphones,
surnames, erhua), then capitals; glosses and levels come from `reader.dictionary`.
"""

from reader.annotate.annotator import Annotator, annotate
from reader.options import default_cache_dir

__all__ = ["Annotator", "annotate", "default_cache_dir"]
