"""Response letters: grant, partial grant or denial, with the content the records act requires.

A letter is rendered once, when issued, from templates: HTML (autoescaped, so whatever the
requester wrote appears as text) and plain text (for the PDF, where text is inert). Both are
stored verbatim with the response.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string

from evenhand.accounts.models import Role, User
from evenhand.jurisdictions.ruleset import active_ruleset
from evenhand.redaction.apply import render_text_pdf

from .deadlines import long_date
from .fees import FeeQuote
from .models import RecordDecision, RecordsRequest, ResponseKind
from .rules import Exemption, public_records_rules


@dataclass(frozen=True)
class Withholding:
    """One ground for withholding or redacting, with the facts that support it."""

    exemption: Exemption
    what: str
    basis: str


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


def responsible_people(issuer: User) -> list[Signatory]:
    """Everyone responsible for the decision: the officer issuing it and the head of office."""
    people = [Signatory(str(issuer), issuer.title or issuer.role_label)]
    head = User.objects.filter(role=Role.STATES_ATTORNEY, is_active=True).first()
    if head is not None and head.pk != issuer.pk:
        people.append(Signatory(str(head), head.title or active_ruleset().head_of_office_title))
    return people


def withholdings_for(request: RecordsRequest) -> list[Withholding]:
    rules = public_records_rules()
    found: list[Withholding] = [
        Withholding(
            exemption=rules.exemption(w.exemption_code),
            what=f"All records of sealed case {w.case_number}",
            basis=(
                f"Case {w.case_number} is sealed by court order. Sealed records are exempt "
                "from disclosure; the office may neither release them nor confirm their content."
            ),
        )
        for w in request.withheld_cases.all()
    ]
    for record in request.records.all():
        if record.decision == RecordDecision.WITHHELD:
            found.append(
                Withholding(
                    exemption=rules.exemption(record.exemption_code),
                    what=f"{record.title} (withheld in full)",
                    basis=record.basis,
                )
            )
        if record.decision != RecordDecision.RESPONSIVE:
            continue
        accepted = [r for r in record.redactions.all() if r.decision == "accepted"]
        by_code: dict[str, list[str]] = {}
        for redaction in accepted:
            by_code.setdefault(redaction.exemption, []).append(redaction.kind.replace("_", " "))
        for code, kinds in by_code.items():
            exemption = rules.exemption(code)
            found.append(
                Withholding(
                    exemption=exemption,
                    what=f"{record.title}: {len(kinds)} redaction(s)",
                    basis=(
                        f"Redacted: {', '.join(sorted(set(kinds)))}. "
                        + (
                            "These are private information as the act defines it "
                            f"({rules.private_information_citation}); the rest of the record "
                            "is released."
                            if exemption.private_information
                            else "The rest of the record is released."
                        )
                    ),
                )
            )
    return found


@dataclass(frozen=True)
class LetterContent:
    kind: ResponseKind
    html: str
    text: str


def compose_letter(
    *,
    request: RecordsRequest,
    kind: ResponseKind,
    issuer: User,
    issued_on: dt.date,
    fee: FeeQuote,
    released_titles: list[str],
) -> LetterContent:
    rules = public_records_rules()
    ruleset = active_ruleset()
    context = {
        "request": request,
        "kind": kind,
        "kind_label": ResponseKind(kind).label,
        "office": ruleset.office,
        "rules": rules,
        "issued_on": long_date(issued_on),
        "received_on": long_date(request.received_on),
        "due_on": long_date(request.due_on),
        "late": issued_on > request.due_on,
        "withholdings": withholdings_for(request),
        "released_titles": released_titles,
        "responsible": responsible_people(issuer),
        "fee": fee,
        "denies_something": kind != ResponseKind.GRANT,
    }
    return LetterContent(
        kind=kind,
        html=render_to_string("records_requests/letter.html", context),
        text=render_to_string("records_requests/letter.txt", context),
    )


def letter_pdf(text: str, *, title: str) -> bytes:
    """The letter's text in a PDF: text drawn as glyphs, so markup in it is inert."""
    return render_text_pdf([text], title=title)
