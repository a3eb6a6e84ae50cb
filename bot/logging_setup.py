"""Logging for every entry point: plain or JSON lines, and secrets never printed."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from bot.config import configured_tokens

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}")


# Characters a token is made of: a secret is redacted only where it stands as a whole
# token, so DISCORD_TOKEN=x does not turn every "x" in "index" into [redacted].
TOKEN_CHARS = r"A-Za-z0-9_.\-"


class RedactingFilter(logging.Filter):
    """Replace the configured tokens (whole-token matches), and anything shaped like a
    Discord token, in records."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self._patterns = [re.compile(rf"(?<![{TOKEN_CHARS}]){re.escape(s)}(?![{TOKEN_CHARS}])")
                          for s in sorted(set(self.secrets), key=len, reverse=True)]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # A traceback quotes exception messages (an HTTP error may carry a header):
            # formatters print exc_text when it is set, so set it redacted.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        return True

    def redact(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub("[redacted]", text)
        return TOKEN_RE.sub("[redacted]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("error_id", "guild_id", "command"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(configured_tokens()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # faiss.loader says at INFO which CPU builds it could not load: noise, not news.
    for noisy in ("discord.gateway", "discord.http", "sentence_transformers", "httpx", "bm25s",
                  "faiss.loader"):
        logging.getLogger(noisy).setLevel(max(root.level, logging.WARNING))
    logging.captureWarnings(True)  # warnings.warn output goes through the handler too
    quiet_outages(logging.getLogger("discord.client"))


class OutageAsWarning(logging.Filter):
    """discord.py logs each gateway reconnect attempt at ERROR with a traceback. During an
    outage that pages an operator who alerts on ERROR every few seconds; a lost
    connection that is being retried is a WARNING, with the retry delay and the cause."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR and str(record.msg).startswith("Attempting a reconnect"):
            cause = record.exc_info[1] if record.exc_info else None
            delay = record.args[0] if isinstance(record.args, tuple) and record.args else 0.0
            record.msg = "gateway connection lost (%s); reconnecting in %.1f s"
            record.args = (f"{type(cause).__name__}: {cause}" if cause else "unknown", delay)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


def quiet_outages(logger: logging.Logger) -> None:
    if not any(isinstance(f, OutageAsWarning) for f in logger.filters):
        logger.addFilter(OutageAsWarning())
