"""The case page's precomputed links are exactly what `reverse` gives, for any case id and
under a script prefix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from evenhand.web.case_links import CASE_ROUTES, case_links


# The first call loads the URLconf.
@settings(deadline=None)
@given(case_id=st.integers(min_value=1, max_value=2**63 - 1))
def test_every_link_is_the_reversed_route(case_id: int) -> None:
    assert case_links(case_id) == {
        key: reverse(name, args=[case_id]) for key, name in CASE_ROUTES.items()
    }


@pytest.fixture
def office_prefix() -> Iterator[None]:
    set_script_prefix("/office/")
    yield
    clear_script_prefix()


@pytest.mark.usefixtures("office_prefix")
def test_a_deployment_under_a_sub_path_gets_its_prefix() -> None:
    links = case_links(7)
    assert links["audit"].startswith("/office/")
    assert links == {key: reverse(name, args=[7]) for key, name in CASE_ROUTES.items()}
