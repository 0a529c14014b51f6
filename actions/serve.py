"""The action server as `make run` serves it: the log guard (clinic.log_guard) first, then
rasa-sdk's own command line, so that an action's error never logs the tracker it was given.

    python -m actions.serve --actions actions --port 5055
"""

from __future__ import annotations

import sys

from clinic import log_guard


def main() -> None:
    log_guard.install()
    from rasa_sdk.__main__ import main as sdk_main

    sys.argv[0] = "rasa_sdk"
    sdk_main()


if __name__ == "__main__":
    main()
