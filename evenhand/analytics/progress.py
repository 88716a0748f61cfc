"""A console progress bar in rows and rows/s for the long analytics commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm


@contextmanager
def rows_progress(
    description: str, *, stream: TextIO, enabled: bool = True, total: int | None = None
) -> Iterator[Callable[[int], None]]:
    """Yield a callback that advances the bar by a number of rows (negative corrects it)."""
    if not enabled:
        yield lambda _rows: None
        return
    bar = tqdm(
        desc=description,
        unit=" rows",
        unit_scale=True,
        total=total,
        file=stream,
        dynamic_ncols=True,
        mininterval=0.2,
    )

    def advance(rows: int) -> None:
        bar.update(rows)

    try:
        yield advance
    finally:
        bar.close()
