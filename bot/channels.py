"""Chat channels that accept browsers only from the clinic's own site.

Rasa 3.6 builds its socket.io server with `cors_allowed_origins=[]`, which switches python-engineio's
origin check off whatever `--cors` says, and its REST channel takes any origin. A page on another
site could then open conversations in the clinic's name. These subclasses keep Rasa's channels
(same names, so the URLs stay /socket.io and /webhooks/rest/webhook) and
- refuse a browser request whose Origin header is not one of `allowed_origins` (credentials.yml,
  from RASA_CORS_ORIGINS); requests without an Origin (servers, curl) are not from a page;
- issue socket.io conversation ids themselves: a client may only resume an id of the shape the
  server issues (a random UUID), so an id can never be chosen or derived from something guessable.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def parse_origins(value: Any) -> List[str]:
    """'https://a.example, https://b.example' -> a list without blanks or trailing slashes."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [item.strip().rstrip("/") for item in items if item and item.strip()]


def issued_session_id(requested: Optional[Text]) -> Text:
    """The client's stored id when it is one the server could have issued, else a new one."""
    if isinstance(requested, str) and SESSION_ID.match(requested):
        return requested
    return uuid.uuid4().hex


class SiteRestInput(RestInput):
    def __init__(self, allowed_origins: List[str]) -> None:
        self.allowed_origins = allowed_origins

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(parse_origins((credentials or {}).get("allowed_origins")))

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def refuse_other_sites(request: Request) -> Optional[response.HTTPResponse]:
            origin = request.headers.get("origin")
            if origin and origin.rstrip("/") not in self.allowed_origins:
                return response.json({"detail": "This site may not use the chat."}, status=403)
            return None

        return webhook


class SiteSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.allowed_origins = parse_origins(credentials.get("allowed_origins"))
        return channel

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()
        # Turns python-engineio's own Origin check back on (see the module docstring).
        sio.eio.cors_allowed_origins = list(getattr(self, "allowed_origins", []))

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            session_id = issued_session_id((data or {}).get("session_id"))
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        sio.on("session_request", session_request, namespace=self.namespace)
        return webhook
