"""The one place that decides who may do what on which case.

Both questions, "may this user do X on this case" (`may`) and "which cases may this user do X
on" (`visible_cases`), are answered by interpreting the same definitions: the table of grants,
the screens in force, and the special-prosecution rule. A test checks that they agree for every
role, team, screen and appointment. Every read of a case in views, the API, search, exports,
messages and reports goes through `access_case` or `visible_cases`. A case the user may not
touch is reported exactly like a missing one (`CaseNotFoundError`, a 404), and the refusal is
logged. Nothing is cached: a screen raised or lifted applies to the very next request.

The rules, in order:
1. A grant gives a role some actions on every case of the office or on its team's cases.
2. On a case awaiting or under a court-appointed special prosecutor, charging and disposing are
   granted only by grants marked `acts_in_special_prosecution` (the appointee's team grant).
3. An exclusionary screen in force takes the case away from the people it names, whatever
   their grants.
4. A need-to-know screen in force takes the case away from everyone it does not name, except
   that oversight roles keep read-only access (their reads are logged like anyone's).
5. A sealed case is taken away from every role without standing under the ruleset's sealing
   section, except that a person named in a court-ordered access grant in force may read it.
   Whoever may read a sealed case must state a reason before its content is shown
   (`SealedCaseReasonRequiredError`); the reason is logged with the read.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditOutcome
from evenhand.audit.services import audit_record
from evenhand.cases.models import Case, CaseAssignment, SpecialProsecution
from evenhand.config.db import fetch_together
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.sealing.context import access_reason_for
from evenhand.sealing.models import AccessGrant, SealingOrder, UnsealingOrder
from evenhand.sealing.selectors import (
    granted_exists,
    grants_in_force,
    sealed_case_ids,
    sealings_in_force,
)

from .models import Screen, ScreenedCase, ScreenedPerson, ScreenKind, screens_in_force


class CaseAction(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"
    CHARGE = "charge"
    DISPOSE = "dispose"


class Scope(enum.StrEnum):
    OFFICE = "office"  # every case of the office
    TEAM = "team"  # cases on whose team the user currently is


@dataclass(frozen=True)
class Grant:
    roles: frozenset[Role]
    actions: frozenset[CaseAction]
    scope: Scope
    acts_in_special_prosecution: bool = False


ALL_ACTIONS = frozenset(CaseAction)
DECISIONS = frozenset({CaseAction.CHARGE, CaseAction.DISPOSE})
PROSECUTORS = frozenset(
    {Role.STATES_ATTORNEY, Role.FIRST_ASSISTANT, Role.ASSISTANT_STATES_ATTORNEY}
)
OVERSIGHT = frozenset({Role.INSPECTOR_GENERAL, Role.AUDITOR, Role.ETHICS_OFFICER})

GRANTS: tuple[Grant, ...] = (
    Grant(PROSECUTORS, ALL_ACTIONS, Scope.OFFICE),
    Grant(
        frozenset({Role.INVESTIGATOR}), frozenset({CaseAction.VIEW, CaseAction.EDIT}), Scope.OFFICE
    ),
    Grant(frozenset({Role.RECORDS_OFFICER}), frozenset({CaseAction.VIEW}), Scope.OFFICE),
    # Oversight reads everything and changes nothing.
    Grant(OVERSIGHT, frozenset({CaseAction.VIEW}), Scope.OFFICE),
    # A court-appointed special prosecutor acts on the cases of the appointment and no other.
    Grant(
        frozenset({Role.SPECIAL_PROSECUTOR}),
        ALL_ACTIONS,
        Scope.TEAM,
        acts_in_special_prosecution=True,
    ),
    Grant(PROSECUTORS | {Role.INVESTIGATOR}, ALL_ACTIONS, Scope.TEAM),
)


@dataclass(frozen=True)
class SealingState:
    """Whether a case is sealed (at the moment asked about) and whether the user holds a
    court-ordered grant on it then."""

    sealed: bool
    granted: bool


NOT_SEALED = SealingState(sealed=False, granted=False)


def has_sealed_standing(user: User) -> bool:
    """Whether the user's role keeps access to sealed cases (the ruleset's sealing section; a
    ruleset without one gives nobody standing, so sealed cases stay closed)."""
    rules = active_ruleset().sealing
    return rules is not None and user.role in rules.roles_with_standing


def sealing_state(case: Case, user: User, *, at: datetime | None = None) -> SealingState:
    """One query: is the case sealed at `at` (default now), and does `user` hold a grant then."""
    row = (
        sealings_in_force(at)
        .filter(case_id=case.pk)
        .annotate(granted=granted_exists(user.pk, at, case_ref="case_id"))
        .values_list("granted", flat=True)
        .first()
    )
    return NOT_SEALED if row is None else SealingState(sealed=True, granted=bool(row))


def _known_sealing(case: Case) -> SealingState | None:
    """The state `access_case` fetched with the case (for the user it was fetched for)."""
    sealed = getattr(case, "sealed_now", None)
    if sealed is None:
        return None
    return SealingState(sealed=bool(sealed), granted=bool(getattr(case, "sealed_granted", False)))


class CaseNotFoundError(Http404):
    """Raised alike for a case that does not exist and one the user may not touch."""

    def __init__(self) -> None:
        super().__init__("Case not found.")


def grants_for(user: User, action: CaseAction) -> tuple[Grant, ...]:
    if not user.is_authenticated or not user.is_active:
        return ()
    return tuple(grant for grant in GRANTS if user.role in grant.roles and action in grant.actions)


class SealedCaseReasonRequiredError(PermissionDenied):
    """The user may read this sealed case but has not stated why (web: the reason form; API:
    the `X-Access-Reason` header)."""

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        super().__init__(
            "This case is sealed. State your reason for opening it: on the reason form, or in "
            "the X-Access-Reason header of an API request."
        )


class CaseActionDeniedError(PermissionDenied):
    """The user may read the case but not do this to it (role, or awaiting appointment)."""

    def __init__(self, action: CaseAction) -> None:
        self.action = action
        super().__init__(f"You may read this case but not {action} it.")


def scopes_for(user: User, action: CaseAction) -> frozenset[Scope]:
    return frozenset(grant.scope for grant in grants_for(user, action))


def _reads_through_need_to_know(user: User, action: CaseAction) -> bool:
    return action == CaseAction.VIEW and user.role in OVERSIGHT


def _active_team(user: User, at: datetime | None = None) -> QuerySet[CaseAssignment]:
    if at is None:
        return CaseAssignment.objects.filter(user=user, ended_at__isnull=True)
    return CaseAssignment.objects.filter(user=user, assigned_at__lte=at).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=at)
    )


def _screened_cases(kind: ScreenKind) -> QuerySet[ScreenedCase]:
    return ScreenedCase.objects.filter(screens_in_force(prefix="screen__"), screen__kind=kind)


def visible_cases(user: User, action: CaseAction = CaseAction.VIEW) -> QuerySet[Case]:
    """Every case on which `user` may perform `action`, as a lazy QuerySet."""
    grants = grants_for(user, action)
    if not grants:
        return Case.objects.none()
    allowed = Q(pk__in=[])
    for grant in grants:
        # Not Q(): an empty Q vanishes when combined with |, which would turn "every case"
        # into "no case".
        reach = (
            Q(pk__isnull=False)
            if grant.scope == Scope.OFFICE
            else Q(Exists(_active_team(user).filter(case=OuterRef("pk"))))
        )
        if action in DECISIONS and not grant.acts_in_special_prosecution:
            reach &= Q(special_prosecution=SpecialProsecution.NONE)
        allowed |= reach
    # Uncorrelated sub-queries: the walled-off cases are a small set computed once per query,
    # not a lookup per case row, so a screened user's list costs about what anyone's does.
    excluded = _screened_cases(ScreenKind.EXCLUSIONARY).filter(screen__people__user=user)
    condition = allowed & ~Q(pk__in=excluded.values("case_id"))
    if not _reads_through_need_to_know(user, action):
        named = ScreenedPerson.objects.filter(screen=OuterRef("screen"), user=user)
        walled = _screened_cases(ScreenKind.NEED_TO_KNOW).filter(~Q(Exists(named)))
        condition &= ~Q(pk__in=walled.values("case_id"))
    if not has_sealed_standing(user):
        sealed = sealed_case_ids()
        if action == CaseAction.VIEW:
            granted = grants_in_force().filter(grantee_id=user.pk).values("case_id")
            sealed = sealed.exclude(case_id__in=granted)
        condition &= ~Q(pk__in=sealed)
    return Case.objects.filter(condition)


# Where `access_case` leaves the screens it read, with the user they were read for.
JUDGED_SCREENS = "_evenhand_judged_screens"


def allowed_actions(user: User, case: Case) -> frozenset[CaseAction]:
    """Every action `user` may perform on the case: `may` for each, reading the screens and the
    sealing state once."""
    judged = vars(case).get(JUDGED_SCREENS)
    screens = judged[1] if judged is not None and judged[0] == user.pk else screens_on(case, user)
    sealing = NOT_SEALED if has_sealed_standing(user) else _known_sealing(case)
    if sealing is None:
        sealing = sealing_state(case, user)
    return frozenset(
        a for a in CaseAction if may(user, case, a, _screens=screens, _sealing=sealing)
    )


def may_view_but_for_sealing(user: User, case: Case) -> bool:
    """Whether `user` could read this case if it were not sealed: the question behind telling
    a searcher that a sealed case's records were withheld (by number only). Everyone else gets
    no word of the case at all."""
    return may(user, case, CaseAction.VIEW, _sealing=NOT_SEALED)


def may(
    user: User,
    case: Case,
    action: CaseAction,
    *,
    at: datetime | None = None,
    _screens: list[tuple[ScreenKind, bool]] | None = None,
    _sealing: SealingState | None = None,
) -> bool:
    """Whether `user` may perform `action` on this one case (the same rules as visible_cases).

    With `at`, the answer for that moment: team membership, screens, sealing orders and
    court-ordered grants as they stood then (roles and the special-prosecution state as they
    are now).
    """
    grants = grants_for(user, action)
    if action in DECISIONS and case.special_prosecution != SpecialProsecution.NONE:
        grants = tuple(grant for grant in grants if grant.acts_in_special_prosecution)
    if not grants:
        return False
    if all(grant.scope == Scope.TEAM for grant in grants) and not (
        _active_team(user, at).filter(case_id=case.pk).exists()
    ):
        return False
    screens = _screens if _screens is not None else screens_on(case, user, at=at)
    for kind, named in screens:
        if kind == ScreenKind.EXCLUSIONARY and named:
            return False
        if (
            kind == ScreenKind.NEED_TO_KNOW
            and not named
            and not _reads_through_need_to_know(user, action)
        ):
            return False
    if has_sealed_standing(user):
        return True
    sealing = _sealing if _sealing is not None else sealing_state(case, user, at=at)
    return not sealing.sealed or (sealing.granted and action == CaseAction.VIEW)


def screens_on(
    case: Case, user: User, *, at: datetime | None = None
) -> list[tuple[ScreenKind, bool]]:
    """The screens in force on a case (now, or at a moment): kind, and whether they name `user`."""
    rows = (
        ScreenedCase.objects.filter(case=case)
        .filter(screens_in_force(at, prefix="screen__"))
        .annotate(named=Exists(ScreenedPerson.objects.filter(screen=OuterRef("screen"), user=user)))
        .values_list("screen__kind", "named")
    )
    return [(ScreenKind(kind), bool(named)) for kind, named in rows]


def may_open_cases(user: User) -> bool:
    return Scope.OFFICE in scopes_for(user, CaseAction.EDIT)


def may_record_people(user: User) -> bool:
    """People are not case content; anyone who may edit some case may record them."""
    return bool(scopes_for(user, CaseAction.EDIT))


# Every read of a case is judged here, so the case row, its sealing state for the user and the
# screens in force on it are one plain SQL read: compiling the ORM's three queries (two EXISTS
# annotations and a screens query) cost several times more than running them. The conditions
# are those of `sealed_exists`, `granted_exists` and `screens_on`, with one moment for all.
_JUDGED_CASE_SQL = (
    "SELECT {columns}, "
    "EXISTS (SELECT 1 FROM {sealing} so LEFT JOIN {unsealing} uo ON uo.sealing_id = so.id "
    "WHERE so.case_id = c.id AND so.effective_at <= %(at)s "
    "AND (uo.id IS NULL OR uo.effective_at > %(at)s)), "
    "EXISTS (SELECT 1 FROM {grant} g WHERE g.case_id = c.id AND g.grantee_id = %(user)s "
    "AND g.starts_at <= %(at)s AND (g.ends_at IS NULL OR g.ends_at > %(at)s) "
    "AND (g.revoked_at IS NULL OR g.revoked_at > %(at)s)), "
    "s.kind, "
    "EXISTS (SELECT 1 FROM {screened_person} sp "
    "WHERE sp.screen_id = s.id AND sp.user_id = %(user)s) "
    "FROM {case} c LEFT JOIN ({screened_case} sc JOIN {screen} s ON s.id = sc.screen_id "
    "AND s.starts_at <= %(at)s AND (s.ends_at IS NULL OR s.ends_at > %(at)s) "
    "AND (s.lifted_at IS NULL OR s.lifted_at > %(at)s)) ON sc.case_id = c.id "
    "WHERE c.id = %(case)s"
)


@functools.cache
def _judged_case_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return _JUDGED_CASE_SQL.format(
        columns=", ".join(f"c.{quote(str(field.column))}" for field in Case._meta.concrete_fields),
        sealing=quote(SealingOrder._meta.db_table),
        unsealing=quote(UnsealingOrder._meta.db_table),
        grant=quote(AccessGrant._meta.db_table),
        screened_person=quote(ScreenedPerson._meta.db_table),
        case=quote(Case._meta.db_table),
        screened_case=quote(ScreenedCase._meta.db_table),
        screen=quote(Screen._meta.db_table),
    )


def _judged_case(
    pk: int, user: User
) -> tuple[Case, SealingState, list[tuple[ScreenKind, bool]]] | None:
    """The case with its sealing state and screens now, for `user`; None if there is no case."""
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    params = {"at": at, "user": user.pk, "case": pk}
    rows = fetch_together([(_judged_case_sql(connection.vendor), params)], prepared=True)[0]
    if not rows:
        return None
    fields = Case._meta.concrete_fields
    values = []
    for field, value in zip(fields, rows[0], strict=False):
        col = field.get_col("c")
        for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            value = convert(value, col, connection)  # noqa: PLW2901  (converted in turn)
        values.append(value)
    case = Case.from_db(connection.alias, [field.attname for field in fields], values)
    sealed, granted = rows[0][len(fields)], rows[0][len(fields) + 1]
    # Kept on the case for `allowed_actions` on the same request (`_known_sealing`).
    case.sealed_now, case.sealed_granted = bool(sealed), bool(granted)  # type: ignore[attr-defined]
    screens = [(ScreenKind(kind), bool(named)) for *_, kind, named in rows if kind is not None]
    # Kept with the case for `allowed_actions` on the same request: the page asks again for
    # every action, and the screens have just been read.
    vars(case)[JUDGED_SCREENS] = (user.pk, screens)
    return case, SealingState(sealed=bool(sealed), granted=bool(granted)), screens


def access_case(
    user: User, case_id: object, action: CaseAction = CaseAction.VIEW, *, log_read: bool = True
) -> Case:
    """Fetch a case the user may act on, or raise and log the refusal.

    `CaseNotFoundError` (404) when the user may not read the case or it does not exist;
    `CaseActionDeniedError` (403) when the user may read it but not perform `action`.

    A successful VIEW is logged as a read of case content unless `log_read` is False (used by
    write services, whose own audit entry already records the access). A logged read of a
    sealed case needs the reason the user stated for it (`evenhand.sealing.context`), which
    goes into the log entry; without one, `SealedCaseReasonRequiredError` (403), logged too.
    """
    try:
        pk = int(str(case_id))
    except ValueError:
        pk = None
    # One case: fetched by its key and judged by `may`, which the tests hold to the same
    # answers as `visible_cases` (cheaper than compiling the whole visible-set query).
    judged = _judged_case(pk, user) if pk is not None and 0 < pk < 2**63 else None
    found, sealing, screens = judged if judged is not None else (None, NOT_SEALED, [])
    case = (
        found
        if found is not None and may(user, found, action, _screens=screens, _sealing=sealing)
        else None
    )
    reads_sealed = case is not None and sealing.sealed and log_read and action == CaseAction.VIEW
    reason = access_reason_for(case.pk) if case is not None and reads_sealed else ""
    seen = False
    with transaction.atomic():
        if case is None:
            # Someone who may read the case learns nothing new from being told that the action
            # itself is not theirs; everyone else gets the same answer as for a missing case.
            seen = (
                found is not None
                and action != CaseAction.VIEW
                and may(user, found, CaseAction.VIEW, _screens=screens, _sealing=sealing)
            )
            refusal = (
                "action_not_permitted"
                if seen
                else "not_permitted"
                if found is not None
                else "not_found"
            )
            audit_record(
                actor=user if user.is_authenticated else None,
                action=AuditAction.CASE_ACCESS_REFUSED,
                outcome=AuditOutcome.REFUSED,
                subject_type="case",
                subject_id=str(case_id)[:64],
                case_id=found.pk if found is not None else None,
                after={"action": action, "reason": refusal},
            )
        elif reads_sealed and not reason:
            audit_record(
                actor=user,
                action=AuditAction.CASE_ACCESS_REFUSED,
                outcome=AuditOutcome.REFUSED,
                subject_type="case",
                subject_id=case.pk,
                case_id=case.pk,
                after={"action": action, "reason": "access_reason_required"},
            )
        elif reads_sealed:
            audit_record(
                actor=user,
                action=AuditAction.CASE_VIEWED,
                subject_type="case",
                subject_id=case.pk,
                case_id=case.pk,
                after={"sealed": True, "access_reason": reason},
            )
        elif log_read and action == CaseAction.VIEW:
            audit_record(
                actor=user,
                action=AuditAction.CASE_VIEWED,
                subject_type="case",
                subject_id=case.pk,
                case_id=case.pk,
            )
    if case is not None and reads_sealed and not reason:
        raise SealedCaseReasonRequiredError(case.pk)
    if case is None and seen:
        raise CaseActionDeniedError(action)
    if case is None:
        raise CaseNotFoundError
    return case
