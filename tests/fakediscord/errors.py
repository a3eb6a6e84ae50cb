"""Discord-shaped JSON errors and request-body validation."""

from __future__ import annotations

import logging
from typing import Any

from .models import JSON, UploadedFile

log = logging.getLogger(__name__)

# Error codes used by the fake (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
UNKNOWN_CHANNEL = 10003
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_USER = 10013
UNKNOWN_COMMAND = 10063
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
FILE_TOO_LARGE = 40005
EMPTY_MESSAGE = 50006
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035

DEFAULT_MESSAGES = {
    CANNOT_DM: "Cannot send messages to this user",
    MISSING_PERMISSIONS: "Missing Permissions",
    UNKNOWN_INTERACTION: "Unknown interaction",
    UNKNOWN_WEBHOOK: "Unknown Webhook",
    UNKNOWN_MESSAGE: "Unknown Message",
    UNKNOWN_CHANNEL: "Unknown Channel",
}

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_FILES = 10
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}


class ApiError(Exception):
    """Raised by handlers; turned into a JSON error response by the REST layer."""

    def __init__(
        self, status: int, code: int, message: str | None = None, errors: JSON | None = None
    ) -> None:
        self.status = status
        self.code = code
        self.message = message or DEFAULT_MESSAGES.get(code) or f"{status}: error"
        self.errors = errors
        super().__init__(f"{status} {code} {self.message}")

    def body(self) -> JSON:
        data: JSON = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def _form_error(path: list[str], code: str, message: str) -> ApiError:
    """A 400/50035 with Discord's nested ``errors`` object pointing at ``path``."""
    errors: JSON = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path):
        errors = {key: errors}
    return ApiError(400, INVALID_FORM_BODY, "Invalid Form Body", errors)


def _check_length(value: Any, limit: int, path: list[str]) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise _form_error(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def validate_message_body(
    body: JSON, files: list[UploadedFile], *, size_limit: int, creating: bool
) -> None:
    """Reject what real Discord rejects, so bots that would fail in production fail here too."""
    _check_length(body.get("content"), MAX_CONTENT, ["content"])
    embeds = list(body.get("embeds") or [])
    if len(embeds) > MAX_EMBEDS:
        raise _form_error(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = sum(_validate_embed(e, i) for i, e in enumerate(embeds))
    if total > MAX_EMBED_TOTAL:
        raise _form_error(
            ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )
    _validate_files(files, size_limit)
    if creating and _is_empty(body, files):
        raise ApiError(400, EMPTY_MESSAGE, "Cannot send an empty message")


def _validate_embed(embed: JSON, index: int) -> int:
    for key, limit in EMBED_LIMITS.items():
        _check_length(embed.get(key), limit, ["embeds", str(index), key])
    size = sum(len(str(embed.get(k) or "")) for k in EMBED_LIMITS)
    for f_index, fld in enumerate(embed.get("fields") or []):
        for key, limit in FIELD_LIMITS.items():
            _check_length(fld.get(key), limit, ["embeds", str(index), "fields", str(f_index), key])
            size += len(str(fld.get(key) or ""))
    footer = embed.get("footer") or {}
    return size + len(str(footer.get("text") or ""))


def _validate_files(files: list[UploadedFile], size_limit: int) -> None:
    if len(files) > MAX_FILES:
        raise _form_error(["files"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    if any(len(f.data) > size_limit for f in files):
        raise ApiError(413, FILE_TOO_LARGE, "Request entity too large")


def _is_empty(body: JSON, files: list[UploadedFile]) -> bool:
    keys = ("content", "embeds", "components", "sticker_ids", "poll")
    return not files and not any(body.get(k) for k in keys)


def injected_error_body(status: int, code: int | None, message: str | None) -> JSON:
    """JSON body for a failure created by ``fail_next`` (429s are built separately)."""
    if code is None:
        code = {403: MISSING_PERMISSIONS, 400: INVALID_FORM_BODY}.get(status, 0)
    return ApiError(
        status, code, message or DEFAULT_MESSAGES.get(code) or f"{status}: injected"
    ).body()
