"""Chat channels that accept browsers only from the clinic's own site.

Rasa 3.6 builds its socket.io server with `cors_allowed_origins=[]`, which switches
python-engineio's origin check off whatever `--cors` says, and its REST channel takes any
origin. A page on another site could then open conversations in the clinic's name. These
subclasses keep Rasa's channels (same names, so the URLs stay /socket.io and
/webhooks/rest/webhook) and
- refuse a browser request whose Origin header is not one of `allowed_origins` (credentials.yml,
  from RASA_CORS_ORIGINS); requests without an Origin (servers, curl) are not from a page;
- issue socket.io conversation ids themselves: a client may only resume an id of the shape the
  server issues (a random UUID), so an id can never be chosen or derived from something guessable;
  and a message counts for the conversation its socket was confirmed, never one it names;
- never leave a visitor in silence (NeverSilent below), and give the model only characters a
  person can type (clinic.clean_text.visible_text).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import action_response_check
from clinic.clean_text import visible_text
from clinic.log_safety import conversation_ref

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def parse_origins(value: Any) -> list[str]:
    """'https://a.example, https://b.example' -> a list without blanks or trailing slashes."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [item.strip().rstrip("/") for item in items if item and item.strip()]


def issued_session_id(requested: str | None) -> str:
    """The client's stored id when it is one the server could have issued, else a new one."""
    if isinstance(requested, str) and SESSION_ID.match(requested):
        return requested
    return uuid.uuid4().hex


APOLOGY = "utter_service_unavailable"


class NeverSilent:
    """Answers a turn that produced no reply (the action server down, an error in Rasa) with
    the domain's apology, which gives the clinic's phone. Rasa itself logs the error and
    carries on without a word to the visitor."""

    _app: Any = None

    def _remember_app(self, webhook: Blueprint) -> None:
        action_response_check.install()  # Rasa is running: check action answers faster

        @webhook.listener("after_server_start")
        async def remember(app: Any, _loop: Any) -> None:
            self._app = app

    def _guard(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[None]]:
        async def guarded(message: UserMessage) -> None:
            if isinstance(message.text, str):
                # A lone surrogate (bad bytes a client escaped into JSON) makes spaCy's tokenizer
                # raise, and control or invisible characters are nothing the visitor meant.
                message.text = visible_text(message.text)
            channel = message.output_channel
            replies = 0
            send_response = channel.send_response

            async def counting(recipient_id: str, reply: dict[str, Any]) -> None:
                nonlocal replies
                replies += 1
                await send_response(recipient_id, reply)

            channel.send_response = counting
            try:
                await on_new_message(message)
            except Exception:  # any failure: the visitor gets the apology below
                # Rasa's channel would log the error with the visitor's message (names, phone
                # numbers); this line names the conversation by a hash only.
                logger.exception(
                    "A turn failed in conversation %s", conversation_ref(message.sender_id)
                )
            finally:
                channel.send_response = send_response
                if replies == 0:
                    await self._apologise(message)

        return guarded

    async def _apologise(self, message: UserMessage) -> None:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        if tracker is None:
            tracker = await agent.tracker_store.get_or_create_tracker(message.sender_id)
        reply = await agent.nlg.generate(APOLOGY, tracker, message.output_channel.name())
        if reply:
            await message.output_channel.send_response(message.sender_id, reply)


class SiteRestInput(NeverSilent, RestInput):
    def __init__(self, allowed_origins: list[str]) -> None:
        self.allowed_origins = allowed_origins

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(parse_origins((credentials or {}).get("allowed_origins")))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(self._guard(on_new_message))
        self._remember_app(webhook)

        @webhook.middleware("request")
        async def refuse_other_sites(request: Request) -> response.HTTPResponse | None:
            origin = request.headers.get("origin")
            if origin and origin.rstrip("/") not in self.allowed_origins:
                return response.json({"detail": "This site may not use the chat."}, status=403)
            return None

        return webhook


class SiteSocketIOInput(NeverSilent, SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.allowed_origins = parse_origins(credentials.get("allowed_origins"))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(self._guard(on_new_message))
        self._remember_app(webhook)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()
        # Turns python-engineio's own Origin check back on (see the module docstring).
        sio.eio.cors_allowed_origins = list(getattr(self, "allowed_origins", []))

        namespace = self.namespace or "/"
        handlers = sio.handlers[namespace]
        rasas_message, rasas_disconnect = handlers[self.user_message_evt], handlers["disconnect"]
        # The conversation each socket was confirmed: Rasa takes a message's own `session_id`,
        # so a client could write into, and read the replies of, any conversation it names.
        issued: dict[str, str] = {}

        async def session_request(sid: str, data: dict | None) -> None:
            session_id = issued_session_id((data or {}).get("session_id"))
            issued[sid] = session_id
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        async def message(sid: str, data: Any) -> None:
            data = dict(data) if isinstance(data, dict) else {}
            # No confirmed session: Rasa ignores the message (with persistence) as it should.
            data["session_id"] = issued.get(sid)
            await rasas_message(sid, data)

        async def disconnect(sid: str) -> None:
            issued.pop(sid, None)
            await rasas_disconnect(sid)

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, message, namespace=self.namespace)
        sio.on("disconnect", disconnect, namespace=self.namespace)
        return webhook
