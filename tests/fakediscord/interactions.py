"""Interactions: building INTERACTION_CREATE payloads and serving callback/webhook routes."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from .errors import (
    ALREADY_ACKNOWLEDGED,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    ApiError,
    validate_message_body,
)
from .models import (
    JSON,
    LOADING,
    FakeAttachment,
    FakeChannel,
    FakeMessage,
    FakeRole,
    FakeUser,
    InteractionRecord,
    RecordedRequest,
)
from .rest import Reply, RestApi

log = logging.getLogger(__name__)

APPLICATION_COMMAND = 2
COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5
SELECT_TYPES = (3, 5, 6, 7, 8)
MAX_MODAL_TITLE = 45


def infer_option_type(value: Any) -> int:
    """Application command option type for a Python value (used when no schema was synced)."""
    if isinstance(value, FakeUser):
        return 6
    if isinstance(value, FakeChannel):
        return 7
    if isinstance(value, FakeRole):
        return 8
    if isinstance(value, FakeAttachment):
        return 11
    if isinstance(value, bool):  # before int: bool is an int subclass
        return 5
    if isinstance(value, int):
        return 4
    return 10 if isinstance(value, float) else 3


def merge_resolved(into: JSON, extra: JSON) -> None:
    for key, items in extra.items():
        into.setdefault(key, {}).update(items)


class InteractionApi:
    """Owns InteractionRecords; registers callback and webhook routes on the REST router."""

    def __init__(self, rest: RestApi, *, callback_deadline: float | None) -> None:
        self.rest = rest
        self.state = rest.state
        self.callback_deadline = callback_deadline
        self.records: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        self._register_routes()

    def _register_routes(self) -> None:
        r = self.rest.route
        r("POST", "/interactions/{iid}/{token}/callback", self.callback)
        hook = "/webhooks/{app}/{token}"
        r("POST", hook, self.followup)
        for target in ("/messages/@original", "/messages/{mid}"):
            r("GET", hook + target, self.get_webhook_message)
            r("PATCH", hook + target, self.edit_webhook_message)
            r("DELETE", hook + target, self.delete_webhook_message)

    # -- building interactions ---------------------------------------------------------------

    def app_permissions(self) -> int:
        custom = self.rest.bot_permissions
        return self.state.permissions_of(self.state.bot_user) if custom is None else custom

    def new_interaction(
        self,
        itype: int,
        user: FakeUser,
        channel: FakeChannel,
        data: JSON,
        *,
        locale: str | None = None,
        message: FakeMessage | None = None,
    ) -> InteractionRecord:
        iid = self.state.ids.next()
        token = f"{iid}-{secrets.token_urlsafe(24)}"
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.state.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale or user.locale,
            "entitlements": [],
            # discord.py reads this key unconditionally.
            "attachment_size_limit": self.rest.attachment_size_limit,
            "app_permissions": str(self.app_permissions()),
            "channel_id": str(channel.id),
            "channel": {**channel.payload(), "permissions": str(self.state.permissions_of(user))},
        }
        payload.update(self._context(user, channel))
        if message is not None:
            payload["message"] = message.payload
        record = InteractionRecord(
            id=iid,
            token=token,
            type=itype,
            user=user,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            payload=payload,
        )
        self.records[iid] = record
        self._by_token[token] = record
        return record

    def _context(self, user: FakeUser, channel: FakeChannel) -> JSON:
        if channel.guild_id is None:
            return {
                "user": user.payload(),
                "context": 1,  # BOT_DM
                "authorizing_integration_owners": {"0": "0"},
            }
        gid = str(channel.guild_id)
        perms = self.state.permissions_of(user)
        locale = self.state.guilds[channel.guild_id].preferred_locale
        return {
            "guild_id": gid,
            "guild_locale": locale,
            "guild": {"id": gid, "locale": locale, "features": []},
            "member": user.member_payload(permissions=perms),
            "context": 0,  # GUILD
            "authorizing_integration_owners": {"0": gid},
        }

    def synced_command(self, name: str, guild_id: int | None) -> JSON | None:
        """The command as the bot registered it (guild commands shadow global ones)."""
        if guild_id is not None and name in self.state.commands.get(guild_id, {}):
            return self.state.commands[guild_id][name]
        return self.state.commands.get(None, {}).get(name)

    def command_data(
        self, name: str, options: dict[str, Any], guild_id: int | None, focused: str | None = None
    ) -> JSON:
        """``data`` of a chat-input interaction; ``name`` may be "group sub" or "group sub cmd"."""
        path = name.split()
        top = self.synced_command(path[0], guild_id)
        schema: list[JSON] = list((top or {}).get("options") or [])
        wrappers: list[tuple[str, int]] = []
        for index, sub in enumerate(path[1:]):
            spec = next((o for o in schema if o["name"] == sub), None)
            guessed = 2 if len(path) == 3 and index == 0 else 1
            wrappers.append((sub, int(spec["type"]) if spec else guessed))
            schema = list((spec or {}).get("options") or [])
        resolved: JSON = {}
        opts = [self._option(k, v, schema, resolved, guild_id, focused) for k, v in options.items()]
        for sub, kind in reversed(wrappers):
            opts = [{"type": kind, "name": sub, "options": opts}]
        data: JSON = {
            "id": top["id"] if top else str(self.state.ids.next()),
            "name": path[0],
            "type": 1,
            "options": opts,
        }
        if resolved:
            data["resolved"] = resolved
        if top is not None and "guild_id" in top:
            data["guild_id"] = top["guild_id"]
        return data

    def _option(
        self,
        name: str,
        value: Any,
        schema: list[JSON],
        resolved: JSON,
        guild_id: int | None,
        focused: str | None,
    ) -> JSON:
        spec = next((o for o in schema if o["name"] == name), None)
        otype = int(spec["type"]) if spec else infer_option_type(value)
        option: JSON = {
            "name": name,
            "type": otype,
            "value": self.encode(value, resolved, guild_id),
        }
        if focused == name:
            option["focused"] = True
            option["value"] = str(option["value"])  # Discord sends the partial input as text
        return option

    def encode(self, value: Any, resolved: JSON, guild_id: int | None) -> Any:
        """Option/select value on the wire; entities become ids plus a ``resolved`` entry."""
        if isinstance(value, FakeUser):
            merge_resolved(resolved, self.state.resolved_user(value, guild_id))
        elif isinstance(value, FakeChannel):
            merge_resolved(resolved, self.state.resolved_channel(value))
        elif isinstance(value, FakeRole):
            merge_resolved(resolved, {"roles": {str(value.id): value.payload()}})
        elif isinstance(value, FakeAttachment):
            merge_resolved(resolved, {"attachments": {str(value.id): value.payload()}})
        else:
            return value
        return str(value.id)

    def component_data(
        self, message: FakeMessage, custom_id: str, values: list[Any] | None, guild_id: int | None
    ) -> JSON:
        component = message.component(custom_id)
        if component is None:
            raise LookupError(
                f"message {message.id} has no component {custom_id!r}; has {message.custom_ids()}"
            )
        ctype = int(component["type"])
        data: JSON = {"custom_id": custom_id, "component_type": ctype}
        if ctype in SELECT_TYPES:
            resolved: JSON = {}
            data["values"] = [self.encode(v, resolved, guild_id) for v in values or []]
            if resolved:
                data["resolved"] = resolved
        return data

    def find_modal(self, custom_id: str) -> InteractionRecord:
        """The latest interaction whose callback opened modal ``custom_id``."""
        for record in reversed(list(self.records.values())):
            modal = record.modal
            if modal is not None and modal.get("custom_id") == custom_id:
                return record
        shown = [r.modal.get("custom_id") for r in self.records.values() if r.modal]
        raise LookupError(f"no modal {custom_id!r} was opened by the bot; opened: {shown}")

    def modal_data(self, modal: JSON, values: dict[str, Any]) -> JSON:
        seen: set[str] = set()
        components: list[JSON] = []
        for comp in modal.get("components") or []:
            if comp.get("type") == 1:
                row = [_submitted(c, values, seen) for c in comp.get("components") or []]
                components.append({"type": 1, "components": row})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                inner = _submitted(comp["component"], values, seen)
                components.append({"type": 18, "id": comp.get("id", 0), "component": inner})
        unknown = set(values) - seen
        if unknown:
            raise KeyError(f"modal {modal.get('custom_id')!r} has no fields {sorted(unknown)}")
        return {"custom_id": modal.get("custom_id"), "components": components}

    # -- record lookup -----------------------------------------------------------------------

    def _record(self, token: str, app: str | None = None) -> InteractionRecord:
        record = self._by_token.get(token)
        if record is None or (app is not None and int(app) != self.state.application_id):
            raise ApiError(404, UNKNOWN_WEBHOOK)
        return record

    def _message(self, record: InteractionRecord, mid: str | None) -> FakeMessage:
        target = record.response_message_id if mid is None else int(mid)
        message = self.state.messages.get(target or 0)
        if message is None or message.deleted:
            raise ApiError(404, UNKNOWN_MESSAGE)
        return message

    def _metadata(self, record: InteractionRecord) -> JSON:
        meta: JSON = {
            "id": str(record.id),
            "type": record.type,
            "user": record.user.payload(),
            "authorizing_integration_owners": record.payload["authorizing_integration_owners"],
        }
        if record.type == APPLICATION_COMMAND:
            meta["name"] = record.payload["data"]["name"]
            meta["command_type"] = 1
        if "message" in record.payload:
            meta["interacted_message_id"] = record.payload["message"]["id"]
        return meta

    def _create_message(
        self, record: InteractionRecord, body: JSON, files: list[Any]
    ) -> FakeMessage:
        channel = self.state.channels[record.channel_id]
        msg_type = 20 if record.type == APPLICATION_COMMAND else 0
        message = self.state.new_message(
            channel,
            self.state.bot_user,
            body,
            files,
            interaction=self._metadata(record),
            msg_type=msg_type,
        )
        message.interaction_id = record.id
        return message

    # -- callback ----------------------------------------------------------------------------

    async def callback(self, rec: RecordedRequest, iid: str, token: str) -> Reply:
        record = self.records.get(int(iid))
        try:
            if record is None or record.token != token:
                raise ApiError(404, UNKNOWN_INTERACTION)
            return await self._accept_callback(record, rec)
        except ApiError as err:
            if record is not None:
                record.rejected.append((err.status, err.body()))
            raise

    async def _accept_callback(self, record: InteractionRecord, rec: RecordedRequest) -> Reply:
        age = time.monotonic() - record.created
        if self.callback_deadline is not None and age > self.callback_deadline:
            # Discord forgets interactions not acknowledged within 3 seconds.
            raise ApiError(404, UNKNOWN_INTERACTION)
        if record.callback is not None:
            raise ApiError(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        body: JSON = rec.json or {}
        ctype = int(body.get("type", 0))
        self._validate_callback(ctype, body, rec)
        record.callback, record.callback_files = body, list(rec.files)
        record.events.append(("callback", body))
        resource = await self._apply_callback(record, ctype, body.get("data") or {}, rec)
        if rec.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        return 200, self._callback_response(record, ctype, resource)

    def _validate_callback(self, ctype: int, body: JSON, rec: RecordedRequest) -> None:
        data = body.get("data") or {}
        if ctype in (4, 7):
            validate_message_body(
                data, rec.files, size_limit=self.rest.attachment_size_limit, creating=ctype == 4
            )
        if ctype == 9 and len(str(data.get("title") or "")) > MAX_MODAL_TITLE:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "data": {
                        "title": {
                            "_errors": [
                                {
                                    "code": "BASE_TYPE_MAX_LENGTH",
                                    "message": "Must be 45 or fewer in length.",
                                }
                            ]
                        }
                    }
                },
            )

    async def _apply_callback(
        self, record: InteractionRecord, ctype: int, data: JSON, rec: RecordedRequest
    ) -> JSON | None:
        """Side effects of each callback type; returns the ``resource`` Discord would send."""
        interacted = record.payload.get("message")
        if ctype == 4:
            message = self._create_message(record, data, rec.files)
            record.response_message_id = message.id
            await self.rest.echo("MESSAGE_CREATE", message)
            return {"type": 4, "message": message.payload}
        if ctype == 5:
            # "Bot is thinking...": a placeholder message with the LOADING flag.
            flags = int(data.get("flags") or 0) | LOADING
            message = self._create_message(record, {"content": "", "flags": flags}, [])
            record.response_message_id = message.id
            await self.rest.echo("MESSAGE_CREATE", message)
            return {"type": 5, "message": message.payload}
        if ctype in (6, 7) and interacted is not None:
            message = self._message(record, interacted["id"])
            record.response_message_id = message.id
            if ctype == 7:
                self.state.edit_message(message, data, rec.files)
                await self.rest.echo("MESSAGE_UPDATE", message)
                return {"type": 7, "message": message.payload}
        return None

    def _callback_response(
        self, record: InteractionRecord, ctype: int, resource: JSON | None
    ) -> JSON:
        info: JSON = {"id": str(record.id), "type": record.type}
        if record.response_message_id is not None:
            # discord.py stores a view sent with the response under this id; clicks on the
            # view must reference the same message id.
            info["response_message_id"] = str(record.response_message_id)
            info["response_message_loading"] = ctype == 5
            info["response_message_ephemeral"] = record.ephemeral
        out: JSON = {"interaction": info}
        if resource is not None:
            out["resource"] = resource
        return out

    # -- webhook (followups and original-response edits) -------------------------------------

    async def followup(self, rec: RecordedRequest, app: str, token: str) -> Reply:
        record = self._record(token, app)
        if record.callback is None:
            raise ApiError(404, UNKNOWN_WEBHOOK)
        body: JSON = rec.json or {}
        validate_message_body(
            body, rec.files, size_limit=self.rest.attachment_size_limit, creating=True
        )
        record.events.append(("followup", body))
        message = await self._followup_message(record, body, rec)
        if rec.query.get("wait") in ("1", "true", "True"):
            return 200, message.payload
        return 204, None

    async def _followup_message(
        self, record: InteractionRecord, body: JSON, rec: RecordedRequest
    ) -> FakeMessage:
        original = self.state.messages.get(record.response_message_id or 0)
        if record.callback_type == 5 and original is not None and original.flags & LOADING:
            # Discord turns the first followup after a deferral into the original response.
            self._edit(original, body, rec)
            await self.rest.echo("MESSAGE_UPDATE", original)
            return original
        message = self._create_message(record, body, rec.files)
        record.followup_ids.append(message.id)
        await self.rest.echo("MESSAGE_CREATE", message)
        return message

    def _edit(self, message: FakeMessage, body: JSON, rec: RecordedRequest) -> None:
        validate_message_body(
            body, rec.files, size_limit=self.rest.attachment_size_limit, creating=False
        )
        was_loading = bool(message.flags & LOADING)
        self.state.edit_message(message, body, rec.files)
        if was_loading:
            message.payload["flags"] = message.flags & ~LOADING

    async def get_webhook_message(
        self, rec: RecordedRequest, app: str, token: str, mid: str | None = None
    ) -> Reply:
        return 200, self._message(self._record(token, app), mid).payload

    async def edit_webhook_message(
        self, rec: RecordedRequest, app: str, token: str, mid: str | None = None
    ) -> Reply:
        record = self._record(token, app)
        message = self._message(record, mid)
        body: JSON = rec.json or {}
        self._edit(message, body, rec)
        record.events.append(("edit_original" if mid is None else "edit_followup", body))
        await self.rest.echo("MESSAGE_UPDATE", message)
        return 200, message.payload

    async def delete_webhook_message(
        self, rec: RecordedRequest, app: str, token: str, mid: str | None = None
    ) -> Reply:
        record = self._record(token, app)
        message = self._message(record, mid)
        record.events.append(("delete_original" if mid is None else "delete_followup", {}))
        await self.rest.mark_deleted(message)
        return 204, None


def _submitted(component: JSON, values: dict[str, Any], seen: set[str]) -> JSON:
    """The modal-submit echo of one input component, filled from ``values``."""
    cid = component.get("custom_id")
    ctype = int(component.get("type", 4))
    if cid is None:
        return {"type": ctype}
    seen.add(cid)
    if ctype == 4:  # text input: unfilled fields submit their default (or empty) value
        return {
            "type": 4,
            "custom_id": cid,
            "value": str(values.get(cid, component.get("value") or "")),
        }
    raw = values.get(cid, [])
    chosen = raw if isinstance(raw, list | tuple) else [raw]
    return {"type": ctype, "custom_id": cid, "values": [str(getattr(v, "id", v)) for v in chosen]}
