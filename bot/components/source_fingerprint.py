"""What a custom component's code is, for Rasa's training cache.

Rasa keys a cached component on its class's source only (`inspect.getsource` of the class), so
a change to a helper beside the class (a feature function, the encoder it calls) would be
restored from the cache instead of trained again. Components return this from
`fingerprint_addon` with every module whose code shapes what they learn or output.
"""

from __future__ import annotations

import hashlib
import inspect
from types import ModuleType


def source_fingerprint(*modules: ModuleType) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()
