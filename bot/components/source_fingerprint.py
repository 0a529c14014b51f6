"""What a custom component's code is, for Rasa's training cache.

Rasa keys a cached component on its class's source only (`inspect.getsource` of the class), so
a change to a helper beside the class (a feature function, the encoder it calls) would be
restored from the cache instead of trained again. Components return this from
`fingerprint_addon` with every module whose code shapes what they learn or output.

The fingerprint is of the code's syntax tree without docstrings (comments are not in the tree):
a reworded comment must not cost a retrain, least of all the encoder's tune.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
from types import ModuleType

_WITH_DOCSTRING = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _code(module: ModuleType) -> str:
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, _WITH_DOCSTRING) and ast.get_docstring(node, clean=False) is not None:
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def source_fingerprint(*modules: ModuleType) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(_code(module).encode())
    return digest.hexdigest()
