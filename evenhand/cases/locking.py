"""Optimistic locking: an edit based on a version someone else has already replaced is refused.

Services check the version the editor saw against the current one inside their transaction
(with the row locked), so of two concurrent edits exactly one wins; the other gets this error,
nothing of it is saved, and the API answers 409.
"""

from __future__ import annotations


class VersionConflictError(Exception):
    """Someone else changed the row since it was read; nothing was saved."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"This {what} was changed by someone else since you opened it. Nothing was saved: "
            "reload to see the current version and try again."
        )
