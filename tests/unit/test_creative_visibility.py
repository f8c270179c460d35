from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.audience import Audience, AudienceKind
from chalicelib.media.creatives import (
    InvalidValidity,
    VersionStatus,
    visible_to_any,
    visible_to_dealer,
)
from tests.builders import dealer
from tests.media_fakes import CreativeSpec, description_of, published

TODAY = date(2026, 6, 15)
KALININGRAD = dealer("AUR-KGD-01", city="Калининград",
                     region="Калининградская область", category="standard")


@pytest.mark.parametrize(("audience", "visible"), [
    (Audience(), True),
    (Audience(AudienceKind.CATEGORY, ("standard",)), True),
    (Audience(AudienceKind.CATEGORY, ("flagship", "boutique")), False),
    (Audience(AudienceKind.CITY, ("Калининград",)), True),
    (Audience(AudienceKind.CITY, ("Москва",)), False),
    (Audience(AudienceKind.REGION, ("Калининградская область",)), True),
    (Audience(AudienceKind.REGION, ("Москва",)), False),
    (Audience(AudienceKind.DEALERS, ("AUR-MSK-01", "AUR-KGD-01")), True),
    (Audience(AudienceKind.DEALERS, ("AUR-MSK-01",)), False),
])
def test_audience_decides_which_dealers_see_a_creative(audience, visible):
    creative = published("cr-1", CreativeSpec(audience=audience))

    assert visible_to_dealer(creative, KALININGRAD, TODAY) is visible


@pytest.mark.parametrize(("valid_from", "valid_to", "visible"), [
    (None, None, True),
    (TODAY, TODAY, True),
    (TODAY + timedelta(days=1), None, False),
    (None, TODAY - timedelta(days=1), False),
])
def test_a_dealer_sees_a_creative_only_while_it_is_valid(valid_from, valid_to,
                                                         visible):
    creative = published("cr-1", CreativeSpec(valid_from=valid_from,
                                              valid_to=valid_to))

    assert visible_to_dealer(creative, KALININGRAD, TODAY) is visible


def test_a_creative_without_an_uploaded_file_is_not_shown_to_dealers():
    creative = published("cr-1")
    pending_file = replace(creative.versions[0], status=VersionStatus.PENDING)
    pending = creative.with_version(pending_file, creative.updated_at)

    assert not visible_to_dealer(pending, KALININGRAD, TODAY)


def test_another_brands_dealer_never_sees_a_creative():
    creative = published("cr-1", brand_id="taiga")

    assert not visible_to_dealer(creative, KALININGRAD, TODAY)


def test_a_dealer_group_sees_what_any_of_its_dealers_sees():
    moscow = dealer("AUR-MSK-01", city="Москва", region="Москва", category="flagship")
    creative = published("cr-1", CreativeSpec(
        audience=Audience(AudienceKind.CATEGORY, ("flagship",))))

    group = visible_to_any(creative, [KALININGRAD, moscow],
                           {"AUR-KGD-01": TODAY, "AUR-MSK-01": TODAY})
    alone = visible_to_any(creative, [KALININGRAD], {"AUR-KGD-01": TODAY})

    assert group and not alone


def test_validity_that_ends_before_it_starts_is_refused():
    spec = CreativeSpec(valid_from=TODAY, valid_to=TODAY - timedelta(days=1))

    with pytest.raises(InvalidValidity):
        description_of(spec).checked()


def test_tags_are_kept_once_in_lower_case():
    spec = CreativeSpec(tags=("Лето", "лето ", "SUV"))

    assert description_of(spec).checked().tags == ("лето", "suv")
