"""Rasa checks every action server answer against a JSON Schema with `jsonschema.validate`,
which first re-checks the (constant) schema against the draft 2020-12 meta-schema. Measured with
py-spy under `make bench`, that re-check was a third of Rasa's CPU time in a form conversation.
`install()` makes the same check with a validator compiled once: the same schema, the same
library, the same error raised for a bad answer; only the repeated meta-schema check is gone.
Installed by the chat channels (bot/channels.py) when Rasa builds them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)  # once, as jsonschema.validate would on every call
    return cls(spec)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Idempotent; the original stays reachable as `_ORIGINAL` for the test that compares them."""
    RemoteAction._validate_action_result = _validate_action_result
