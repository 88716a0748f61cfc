"""The petition as a document the office can file."""

from __future__ import annotations

import textwrap

from django.utils import timezone

from evenhand.jurisdictions.ruleset import active_ruleset

from .models import Petition

WIDTH = 80


def petition_text(petition: Petition) -> str:
    rules = active_ruleset()
    case = petition.case
    head = rules.head_of_office_title

    def para(text: str) -> str:
        return textwrap.fill(" ".join(text.split()), WIDTH)

    lines = [
        f"IN THE CIRCUIT COURT OF {rules.county.upper()} COUNTY, {rules.name.upper()}".center(
            WIDTH
        ),
        "COUNTY DEPARTMENT, CRIMINAL DIVISION".center(WIDTH),
        "",
        para(f"In re: {case.title}, case {case.number}"),
        "",
        "PETITION FOR THE APPOINTMENT OF A SPECIAL PROSECUTOR".center(WIDTH),
        "",
        "To the Chief Judge of the Criminal Division:",
        "",
        para(
            f"The {rules.office} petitions this Court under {petition.statutory_basis} to "
            f"appoint a special prosecutor in the matter above, on the following ground: "
            f"{petition.get_ground_display().lower()}."
        ),
        "",
        "FACTS",
        "",
        para(petition.facts),
        "",
        "LEGAL BASIS",
        "",
        para(
            f"Under {petition.statutory_basis} only the court may appoint a special prosecutor "
            f"when the {head} cannot act. There is no office of 'acting {head}'; no member of "
            f"the office has been designated to act in the {head}'s place, and none will act "
            "on charging or disposition until the Court rules."
        ),
        "",
        "RELIEF REQUESTED",
        "",
        para(
            "The petitioner asks the Court to appoint a competent attorney as special "
            "prosecutor for this case, with the powers of the office for this case only."
        ),
        "",
        f"Drafted {timezone.localtime(petition.drafted_at):%B %d, %Y} (petition #{petition.pk}).",
    ]
    return "\n".join(lines) + "\n"
