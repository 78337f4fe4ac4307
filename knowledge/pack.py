"""Load and validate the knowledge pack (``knowledge/pack``) into memory.

Validation errors name the file and the passage so that whoever edits the YAML can fix it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.schema import (
    REFERENCE_COUNT,
    SUPERSEDED_LABEL,
    Bibliography,
    PackFile,
    Passage,
    Reference,
    UpdatePassage,
    UpdatesFile,
)

PACK_DIR = Path(__file__).resolve().parent / "pack"
UPDATES_DIR = Path(__file__).resolve().parent / "updates"
BIBLIOGRAPHY_FILE = "bibliography.yaml"


class PackError(ValueError):
    """The knowledge pack is invalid; the message names the file and passage."""


@dataclass(frozen=True)
class UpdatesSource:
    """What changed after the review: dated, sourced passages kept apart from the review's own."""

    passages: tuple[UpdatePassage, ...] = ()
    content_hash: str = ""
    by_id: dict[str, UpdatePassage] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id.update({p.id: p for p in self.passages})

    def __iter__(self) -> Iterator[UpdatePassage]:
        return iter(self.passages)

    def __len__(self) -> int:
        return len(self.passages)

    @property
    def current_through(self) -> dt.date | None:
        """The latest date in the source: what the "current" label edition is as of."""
        return max((p.date for p in self.passages), default=None)

    def superseding(self, target: str) -> tuple[UpdatePassage, ...]:
        """The passages that change ``target`` (a review passage id or ``label:<agent>``), oldest first."""
        return tuple(sorted((p for p in self.passages if target in p.supersedes), key=lambda p: p.date))


@dataclass(frozen=True)
class KnowledgePack:
    passages: tuple[Passage, ...]
    references: dict[int, Reference]
    content_hash: str
    by_id: dict[str, Passage] = field(default_factory=dict)
    updates: UpdatesSource = field(default_factory=UpdatesSource)

    def __post_init__(self) -> None:
        self.by_id.update({p.id: p for p in self.passages})

    def citable(self, passage_id: str) -> Passage | UpdatePassage | None:
        """A passage of either source by id (ids of the two never collide: updates start upd-)."""
        return self.by_id.get(passage_id) or self.updates.by_id.get(passage_id)

    def __iter__(self) -> Iterator[Passage]:
        return iter(self.passages)

    def __len__(self) -> int:
        return len(self.passages)

    def get(self, passage_id: str) -> Passage | None:
        return self.by_id.get(passage_id)


def _describe(err: ValidationError, data: Any) -> str:
    problems = []
    for e in err.errors():
        loc = list(e["loc"])
        where = ".".join(str(x) for x in loc)
        # Name the passage by its id where the error sits inside one.
        if len(loc) >= 2 and loc[0] == "passages" and isinstance(loc[1], int):
            try:
                pid = data["passages"][loc[1]].get("id", f"#{loc[1] + 1}")
            except (KeyError, IndexError, TypeError, AttributeError):
                pid = f"#{loc[1] + 1}"
            where = f"passage {pid}: {'.'.join(str(x) for x in loc[2:]) or 'passage'}"
        problems.append(f"{where}: {e['msg']}")
    return "; ".join(problems)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(f"{path.name}: not valid YAML ({exc})") from exc


def load_bibliography(pack_dir: Path = PACK_DIR) -> dict[int, Reference]:
    path = pack_dir / BIBLIOGRAPHY_FILE
    if not path.exists():
        raise PackError(f"{path.name}: missing; the pack needs the review's {REFERENCE_COUNT} references")
    data = _read_yaml(path)
    try:
        bib = Bibliography.model_validate(data)
    except ValidationError as exc:
        raise PackError(f"{path.name}: {_describe(exc, data)}") from exc
    numbers = [r.number for r in bib.references]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    if dupes:
        raise PackError(f"{path.name}: duplicate reference number(s) {dupes}")
    return {r.number: r for r in bib.references}


FileModel = TypeVar("FileModel", bound=BaseModel)


def _validated(paths: list[Path], model: type[FileModel], digest: Any) -> Iterator[tuple[Path, FileModel]]:
    """Each file parsed as ``model`` (a PackError naming the file otherwise), its name and bytes hashed."""
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        data = _read_yaml(path)
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            raise PackError(f"{path.name}: {_describe(exc, data)}") from exc
        yield path, parsed


def load_updates(updates_dir: Path, *, review: dict[str, Passage]) -> UpdatesSource:
    """Read the updates files; each superseded review passage must exist in ``review``."""
    digest = hashlib.sha256()
    passages: list[UpdatePassage] = []
    seen: dict[str, str] = {}
    for path, updates_file in _validated(sorted(updates_dir.glob("*.yaml")), UpdatesFile, digest):
        for passage in updates_file.passages:
            if passage.id in seen:
                raise PackError(f"{path.name}: passage {passage.id}: duplicate id (first in {seen[passage.id]})")
            unknown = [t for t in passage.supersedes if not SUPERSEDED_LABEL.match(t) and t not in review]
            if unknown:
                raise PackError(f"{path.name}: passage {passage.id}: supersedes unknown passage(s) {unknown}")
            seen[passage.id] = path.name
            passages.append(passage)
    return UpdatesSource(passages=tuple(passages), content_hash=digest.hexdigest())


def load_pack(pack_dir: Path = PACK_DIR, *, updates_dir: Path | None = None) -> KnowledgePack:
    """Read every section file and the bibliography, and the updates when ``updates_dir`` is given;
    raise PackError on the first problem found."""
    references = load_bibliography(pack_dir)
    digest = hashlib.sha256()
    passages: list[Passage] = []
    seen: dict[str, str] = {}
    files = sorted(p for p in pack_dir.glob("*.yaml") if p.name != BIBLIOGRAPHY_FILE)
    if not files:
        raise PackError(f"{pack_dir}: no section files found")
    for path, pack_file in _validated(files, PackFile, digest):
        for passage in pack_file.passages:
            if passage.id in seen:
                raise PackError(
                    f"{path.name}: passage {passage.id}: duplicate id (first defined in {seen[passage.id]})"
                )
            missing = [r for r in passage.refs if r not in references]
            if missing:
                raise PackError(
                    f"{path.name}: passage {passage.id}: reference(s) {missing} not in {BIBLIOGRAPHY_FILE}"
                )
            seen[passage.id] = path.name
            passages.append(passage)
    digest.update((pack_dir / BIBLIOGRAPHY_FILE).read_bytes())
    by_id = {p.id: p for p in passages}
    updates = load_updates(updates_dir, review=by_id) if updates_dir is not None else UpdatesSource()
    return KnowledgePack(
        passages=tuple(passages), references=references, content_hash=digest.hexdigest(), updates=updates
    )


@lru_cache(maxsize=1)
def default_pack() -> KnowledgePack:
    """The shipped pack and its updates source, loaded once per process."""
    return load_pack(PACK_DIR, updates_dir=UPDATES_DIR)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words of six letters or more that the shipped pack writes in lower case somewhere (its texts
    and questions): the field's common words. A word written so is not a person's name, whatever a
    general NER model makes of "Bilirubin 1.0 x ULN" at the start of a sentence."""
    found: set[str] = set()
    for passage in default_pack().passages:
        for text in (passage.text, *passage.questions):
            found.update(re.findall(r"(?<![A-Za-z])[a-z]{6,}(?![A-Za-z])", text))
    return frozenset(found)


@lru_cache(maxsize=1)
def review_words() -> frozenset[str]:
    """The words of seven letters or more that the shipped pack's passages write: what a misspelt
    word of a question ("trasplant", "enroled") is most likely a misspelling of."""
    return frozenset(w.lower() for passage in default_pack().passages
                     for w in re.findall(r"(?<![A-Za-z-])[A-Za-z][a-z]{6,}(?![A-Za-z])", passage.text))
