"""What any library may put in a served process's log: no visitor's words, details or bodies.

The project's own modules log only hashes, counts and error classes (tests read their output).
Libraries do not hold to that: Rasa logs an action server's error answer with the whole tracker in
it, SQLAlchemy's errors carry bound parameters (lead fields, stored messages), access logs carry
query strings (a staff search for a name). `install()` runs first in every served process
(bot/serve.py, actions/serve.py, api.main.create_app, the outbox and the API's commands) and
rewrites each log record as it is made, whatever logger or handler it goes to:

- a traceback keeps its frames (file, line, function, source line: code, not data) and the
  exception's class; the exception's message, which may quote data, is withheld;
- an access log line keeps method, path and status, never the query string;
- a library's message keeps its template when it has arguments (the arguments may be data) and,
  when it was built in place (an f-string), its first line up to the first quote, bracket or
  brace, where quoted data begins;
- the project's own messages pass unchanged.

Uncaught exceptions (sys.excepthook, threading.excepthook) and warnings are printed the same way.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

OWN_PACKAGES = ("actions", "api", "bot", "clinic", "tools", "bench")
ACCESS_LOGGERS = ("uvicorn.access", "sanic.access")
WITHHELD = "[withheld]"
# Where quoted or structured data starts in a message built in place.
_DATA_START = re.compile(r"""['"`{\[<=]|\n""")
_MAX_MESSAGE = 200
_GUARDED = "_clinic_log_guard"


def install() -> None:
    """Guard every log record made in this process from now on (idempotent)."""
    base = logging.getLogRecordFactory()
    if getattr(base, _GUARDED, False):
        return

    def guarded_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        guard(record)
        return record

    setattr(guarded_record, _GUARDED, True)
    logging.setLogRecordFactory(guarded_record)
    logging.captureWarnings(True)  # warnings become records of "py.warnings", guarded too
    sys.excepthook = _print_uncaught
    threading.excepthook = _print_uncaught_in_thread


def guard(record: logging.LogRecord) -> None:
    """Rewrite `record` in place so that it carries no data (see the module's docstring)."""
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = safe_traceback(*record.exc_info)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = WITHHELD
    if record.name in ACCESS_LOGGERS:
        _strip_query_strings(record)
    elif record.name == "py.warnings" and isinstance(record.args, tuple) and record.args:
        record.msg, record.args = library_message(str(record.args[0]), ()), ()
    elif not _own(record.name):
        record.msg, record.args = library_message(record.msg, record.args), ()


def library_message(msg: object, args: object) -> str:
    """A library's message without anything that may be data."""
    text = msg if isinstance(msg, str) else type(msg).__name__
    if args:
        return text[:_MAX_MESSAGE]  # the template: the arguments are what may be data
    cut = _DATA_START.search(text)
    kept = text[: cut.start()] if cut else text
    if cut or len(kept) > _MAX_MESSAGE:
        return f"{kept[:_MAX_MESSAGE].rstrip()} {WITHHELD}"
    return kept


def safe_traceback(
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> str:
    """The traceback with each exception's message withheld, chained exceptions included."""
    if exc_type is None:
        return ""
    exception = exc if exc is not None else exc_type()
    formatted = _format(traceback.TracebackException(exc_type, exception, tb), set())
    return "".join(formatted).rstrip("\n")


def _format(exception: traceback.TracebackException, seen: set[int]) -> list[str]:
    if id(exception) in seen:
        return []
    seen.add(id(exception))
    lines: list[str] = []
    if exception.__cause__ is not None:
        lines += _format(exception.__cause__, seen)
        lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif exception.__context__ is not None and not exception.__suppress_context__:
        lines += _format(exception.__context__, seen)
        lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    if exception.stack:
        lines.append("Traceback (most recent call last):\n")
        lines += exception.stack.format()
    kind = exception.exc_type
    name = f"{kind.__module__}.{kind.__qualname__}" if kind is not None else "Exception"
    lines.append(f"{name.removeprefix('builtins.')}: {WITHHELD}\n")
    return lines


def _own(name: str) -> bool:
    return name.split(".", 1)[0] in OWN_PACKAGES or name == "__main__"


def _strip_query_strings(record: logging.LogRecord) -> None:
    # uvicorn: args = (client, method, path with query, http version, status)
    if isinstance(record.args, tuple):
        record.args = tuple(
            arg.split("?", 1)[0] if isinstance(arg, str) and "?" in arg else arg
            for arg in record.args
        )
    # sanic: the request line travels as the record's `request` attribute
    request = getattr(record, "request", None)
    if isinstance(request, str) and "?" in request:
        record.request = request.split("?", 1)[0]


def _print_uncaught(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    sys.stderr.write(safe_traceback(exc_type, exc, tb) + "\n")


def _print_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is not SystemExit:
        _print_uncaught(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)
