"""Reading a YAML file an operator wrote, with every failure said in one line.

PyYAML's own messages span several lines (a snippet of the file and a caret); a start-up
error must be one line that names the file, so the config, the knowledge files, plans.yaml
and the eval sets all read YAML through here.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

log = logging.getLogger(__name__)


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML syntax error as 'not valid YAML at line L, column C: <what>'."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"not valid YAML{where}: {problem}"


def read_problem(path: Path, exc: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read, without Python's errno noise."""
    if isinstance(exc, UnicodeDecodeError):
        return f"is not UTF-8 text (byte {exc.start})"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    return f"cannot be read: {exc.strerror or exc}"


def load_yaml(path: Path, error: type[Exception], name: str | None = None) -> object:
    """The file's data; any problem raises `error('<name>: <one line>')` (name defaults
    to the path as given)."""
    label = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{label} {read_problem(path, exc)}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"{label}: {yaml_problem(exc)}") from exc
