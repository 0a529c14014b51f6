"""`rasa` as `make run` serves it: the log guard (clinic.log_guard) first, then Rasa's own
command line, so that no record Rasa, Sanic or SQLAlchemy makes carries a visitor's words.

    python -m bot.serve run --model models/assistant.tar.gz ...
"""

from __future__ import annotations

import sys

from clinic import log_guard


def main() -> None:
    log_guard.install()
    from rasa.__main__ import main as rasa_main  # after the guard: Rasa logs while it imports

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
