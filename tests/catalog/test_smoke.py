import pytest

from tahawul.catalog.selectors import search_services

pytestmark = pytest.mark.django_db


def test_demo_is_loaded() -> None:
    assert search_services(query="passport").items[0].code == "NPRA-PASSPORT-RENEW"
