"""The one router every operation of the dispositions API is registered on, mounted by
`evenhand.api.api`."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["dispositions"])


def operation_id(view_name: str) -> str:
    """The OpenAPI operationId of a view: ninja's default (module and function name), kept as
    it was while the whole API lived in the one module `evenhand.api.dispositions`. Clients
    generated from the schema call operations by these ids, so moving a view to another module
    of the package must not rename its operation."""
    return f"evenhand_api_dispositions_{view_name}"
