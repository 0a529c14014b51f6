"""The OpenAPI document, made to describe the error bodies the API really sends.

FastAPI documents its own 422 body (a list under "detail"); this API answers 422 with a short
message and the fields at fault, without echoing the input (api/main.py). It also answers 401 on
every route that needs a token, 400 on a body that is not text and 413 on one that is too
large, which no
route declares one by one. Generated clients and the schemathesis test
(tests/api/test_openapi_fuzz.py) read the document, so it must say all of this.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel


class FieldProblem(BaseModel):
    field: str
    message: str


class ValidationProblem(BaseModel):
    detail: str
    errors: list[FieldProblem]


class Problem(BaseModel):
    detail: str


def _component(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    return schema


def install(app: FastAPI) -> None:
    """Replace app.openapi by one that documents the real error bodies."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["HTTPValidationError"] = _component(ValidationProblem, schemas)
            schemas["Problem"] = _component(Problem, schemas)
            for operation in _operations(document):
                answers = operation.setdefault("responses", {})
                if operation.get("security"):
                    answers.setdefault("401", _problem("No valid bearer token"))
                if "requestBody" in operation:
                    answers.setdefault("400", _problem("The body could not be read"))
                    answers.setdefault("413", _problem("The request body is too large"))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for path in document.get("paths", {}).values() for operation in path.values()]


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
