"""The chat channels' own rules (the browser tests check them through a running server)."""

import logging
import uuid

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import SiteRestInput, SiteSocketIOInput, issued_session_id, parse_origins
from clinic.log_safety import conversation_ref


def test_origins_are_read_from_a_comma_separated_setting() -> None:
    assert parse_origins("http://localhost:8000, https://clinic.example/ ,") == [
        "http://localhost:8000",
        "https://clinic.example",
    ]
    assert parse_origins(None) == []


def test_a_stored_server_issued_id_is_kept() -> None:
    issued = uuid.uuid4().hex
    assert issued_session_id(issued) == issued


def test_ids_the_server_did_not_issue_are_replaced_by_random_ones() -> None:
    for chosen in (None, "", "alice", "1", "00000000-0000-0000-0000-000000000000", 42):
        new = issued_session_id(chosen)  # type: ignore[arg-type]  # bad input on purpose
        assert new != chosen and len(new) == 32 and int(new, 16) >= 0
    assert issued_session_id(None) != issued_session_id(None)


def test_channels_keep_rasas_names_and_read_their_origins() -> None:
    rest = SiteRestInput.from_credentials({"allowed_origins": "https://clinic.example"})
    socket = SiteSocketIOInput.from_credentials(
        {"allowed_origins": "https://clinic.example", "session_persistence": True}
    )
    assert (rest.name(), socket.name()) == ("rest", "socketio")
    assert rest.allowed_origins == socket.allowed_origins == ["https://clinic.example"]
    assert socket.session_persistence is True


@pytest.mark.asyncio
async def test_a_failing_turn_is_logged_without_the_visitors_words(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing(_message: UserMessage) -> None:
        raise RuntimeError("the dialogue failed")

    guarded = SiteRestInput([])._guard(failing)
    with caplog.at_level(logging.ERROR):
        await guarded(
            UserMessage(
                "I'm Noor, call me on 310-555-0144", CollectingOutputChannel(), "conversation-7"
            )
        )
    assert "A turn failed in conversation " + conversation_ref("conversation-7") in caplog.text
    assert "310-555-0144" not in caplog.text and "Noor" not in caplog.text


@pytest.mark.asyncio
async def test_the_model_gets_only_characters_a_person_can_type() -> None:
    seen: list[str] = []

    async def dialogue(message: UserMessage) -> None:
        seen.append(message.text or "")
        await message.output_channel.send_text_with_buttons(message.sender_id, "ok", [])

    guarded = SiteRestInput([])._guard(dialogue)
    for text in ("Santa Monica\ud83d", "José\x00 \u202e王芳\u200b", "two\nlines\tand tab\x1b[2J"):
        await guarded(UserMessage(text, CollectingOutputChannel(), "conversation-8"))
    assert seen == ["Santa Monica", "José 王芳", "two\nlines\tand tab[2J"]


@pytest.mark.asyncio
async def test_a_socket_message_counts_for_its_own_conversation_never_one_it_names() -> None:
    heard: list[str] = []

    async def dialogue(message: UserMessage) -> None:
        heard.append(message.sender_id)

    channel = SiteSocketIOInput.from_credentials({"session_persistence": True})
    channel.blueprint(dialogue)
    assert channel.sio is not None
    channel.sio.enter_room = lambda *args, **kwargs: None  # no engine.io connection here
    handlers = channel.sio.handlers[channel.namespace or "/"]
    await handlers["session_request"]("socket-1", {})
    victim = uuid.uuid4().hex
    await handlers[channel.user_message_evt]("socket-1", {"message": "hi", "session_id": victim})
    await handlers[channel.user_message_evt]("socket-2", {"message": "hi", "session_id": victim})
    assert len(heard) == 1 and heard[0] != victim  # the unconfirmed socket-2 is ignored
    await handlers["disconnect"]("socket-1")
    await handlers[channel.user_message_evt]("socket-1", {"message": "hi", "session_id": victim})
    assert len(heard) == 1
