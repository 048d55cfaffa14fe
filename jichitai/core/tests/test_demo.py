import pytest
from django.core.management import call_command

from jichitai.core.models import Municipality, OrgUnit


@pytest.mark.django_db
def test_demo_data_is_marked_as_sample_and_loads_idempotently() -> None:
    call_command("load_demo_data")
    counts = (Municipality.objects.count(), OrgUnit.objects.count())
    ota = Municipality.objects.get(code="131113")
    assert ota.name_ja == "大田区" and ota.is_sample_data
    assert OrgUnit.objects.filter(level="department", name_ja="情報政策課").exists()
    OrgUnit.objects.filter(code="kazei-ka").update(name_ja="課税課（変更済み）")
    call_command("load_demo_data")
    assert (Municipality.objects.count(), OrgUnit.objects.count()) == counts
    assert OrgUnit.objects.get(code="kazei-ka").name_ja == "課税課（変更済み）"


@pytest.mark.django_db
def test_demo_data_is_refused_in_production(settings) -> None:
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("load_demo_data")
