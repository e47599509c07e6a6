"""Progress events, shared by the executor, the image commands and the renderers.

Kept apart from :mod:`pycompose.execute` so that rendering progress (and planning a project
with nothing to do) does not import anyio.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple


class Event(NamedTuple):
    """Progress of one resource: ``Container p-web-1`` is ``Started``, say."""

    resource: str
    status: str
    done: bool = False
    error: bool = False
    text: str = ""


Sink = Callable[[Event], None]


@contextmanager
def first_error() -> Iterator[None]:
    """Task groups raise exception groups; callers want the first real error."""
    try:
        yield
    except BaseExceptionGroup as group:
        raise _first(group) from None


def _first(group: BaseExceptionGroup[Any]) -> BaseException:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _first(exc)
        found: BaseException = exc
        return found
    return group  # pragma: no cover - groups are never empty
