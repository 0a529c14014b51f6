"""The log guard: what a library's log record keeps once clinic.log_guard has rewritten it."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

from clinic.log_guard import WITHHELD, guard, safe_traceback
from tests.processes import ROOT

NAME, PHONE, TEXT = "Marisol Quintero", "310-555-0199", "i want to end my life"


def record(name: str, msg: str, *args: object, exc: BaseException | None = None) -> str:
    """The line a standard handler writes for this record once guarded."""
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    made = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args or None, exc_info)
    guard(made)
    return logging.Formatter("%(name)s %(message)s").format(made)


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - the test keeps it to log it
        return caught


def test_a_librarys_arguments_are_withheld_and_its_template_kept() -> None:
    line = record("sqlalchemy.engine", "[parameters: %s]", (NAME, PHONE))
    assert NAME not in line and PHONE not in line
    assert "[parameters: %s]" in line


def test_a_librarys_message_built_in_place_stops_where_quoted_data_starts() -> None:
    tracker = {"sender_id": "x", "slots": {"full_name": NAME, "phone": PHONE}}
    line = record("rasa.core.actions.action", f"Failed to run custom action. Error: {tracker}")
    assert NAME not in line and PHONE not in line
    assert "Failed to run custom action. Error:" in line and WITHHELD in line
    line = record("rasa.core.processor", f"Received user message '{TEXT}' with intent")
    assert TEXT not in line and "Received user message" in line


def test_a_long_message_without_quotes_is_cut() -> None:
    line = record("sanic.error", "word " * 100 + NAME)
    assert NAME not in line and WITHHELD in line


def test_a_traceback_keeps_its_frames_and_withholds_every_message_in_the_chain() -> None:
    def store() -> None:
        try:
            raise ValueError(f"cannot encode {NAME}")
        except ValueError as exc:
            raise RuntimeError(f"insert failed for {PHONE}") from exc

    try:
        store()
    except RuntimeError as exc:
        line = record("rasa_sdk.endpoint", "Exception while running action", exc=exc)
    assert NAME not in line and PHONE not in line
    assert "in store" in line and "raise RuntimeError" in line  # frames: code, not data
    assert f"ValueError: {WITHHELD}" in line and f"RuntimeError: {WITHHELD}" in line
    assert "direct cause" in line


def test_the_projects_own_messages_pass_unchanged_and_their_tracebacks_are_guarded() -> None:
    assert record("actions.submit_lead", "Lead %s stored", "abc123").endswith("Lead abc123 stored")
    line = record("api.routes.leads", "Lead not stored", exc=raised(KeyError(PHONE)))
    assert PHONE not in line and f"KeyError: {WITHHELD}" in line


def test_access_logs_keep_the_path_and_drop_the_query_string() -> None:
    line = record(
        "uvicorn.access",
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/api/leads?q={NAME.replace(' ', '%20')}",
        "1.1",
        200,
    )
    assert line.endswith('"GET /api/leads HTTP/1.1" 200') and "Quintero" not in line


def test_a_warning_keeps_where_and_what_kind_not_its_quoted_text() -> None:
    text = f"/x/policy.py:12: UserWarning: Could not parse '{TEXT}'\n"
    line = record("py.warnings", "%s", text)
    assert TEXT not in line and "UserWarning: Could not parse" in line


def test_safe_traceback_of_nothing_is_empty() -> None:
    assert safe_traceback(None, None, None) == ""


def test_installed_it_guards_uncaught_exceptions_and_any_logger() -> None:
    script = textwrap.dedent(
        f"""
        import logging
        from clinic.log_guard import install
        install()
        install()  # twice is once
        logging.basicConfig(level=logging.DEBUG)
        logging.getLogger("rasa.core.processor").debug("%s said %s", {NAME!r}, {TEXT!r})
        logging.getLogger("sanic.access").info("", extra={{"request": "GET /x?phone={PHONE}"}})
        raise ValueError({PHONE!r})
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1
    for secret in (NAME, PHONE, TEXT):
        assert secret not in output
    assert "%s said %s" in output and f"ValueError: {WITHHELD}" in output
