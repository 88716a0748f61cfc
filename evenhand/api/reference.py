"""The jurisdiction's rules as data: statutes and offence classes (read-only)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from evenhand.jurisdictions.ruleset import OffenseClass, Statute, active_ruleset

from .errors import UNAUTHENTICATED

router = Router(tags=["reference"])


class OffenseClassOut(Schema):
    code: str
    label: str
    kind: str
    rank: int
    citation: str
    known: bool
    prison: str
    extended: str
    probation: str


class StatuteOut(Schema):
    key: str
    display: str
    citation: str
    title: str
    offense_class: str
    class_label: str
    offense_category: str
    violent: bool


def _class_out(offense_class: OffenseClass) -> OffenseClassOut:
    return OffenseClassOut(
        code=offense_class.code,
        label=offense_class.label,
        kind=offense_class.kind,
        rank=offense_class.rank,
        citation=offense_class.citation,
        known=offense_class.known,
        prison=offense_class.prison,
        extended=offense_class.extended,
        probation=offense_class.probation,
    )


def _statute_out(statute: Statute) -> StatuteOut:
    return StatuteOut(
        key=statute.key,
        display=statute.display,
        citation=statute.citation,
        title=statute.title,
        offense_class=statute.offense_class,
        class_label=active_ruleset().offense_class(statute.offense_class).label,
        offense_category=statute.offense_category,
        violent=statute.violent,
    )


@router.get("/statutes", response={200: list[StatuteOut], **UNAUTHENTICATED})
def list_statutes(request: HttpRequest) -> list[StatuteOut]:
    """Statutes a charge may be filed under, in the ruleset's order."""
    return [_statute_out(statute) for statute in active_ruleset().statutes.values()]


@router.get("/classes", response={200: list[OffenseClassOut], **UNAUTHENTICATED})
def list_classes(request: HttpRequest) -> list[OffenseClassOut]:
    """Offence classes, most serious first, including the explicit unknowns of source data."""
    classes = sorted(active_ruleset().classes.values(), key=lambda item: item.rank)
    return [_class_out(offense_class) for offense_class in classes]
