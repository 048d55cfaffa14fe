"""A published form version (様式の版) never changes: applications keep the version they were
made with, and each process caches its parsed document."""

import pytest

from jichitai.core.errors import DomainError
from jichitai.procedures.models import FormVersion
from jichitai.procedures.services import intake
from jichitai.procedures.tests.conftest import NOTE_FORM, open_for_notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(catalogue) -> FormVersion:
    live = open_for_notes(catalogue["jido"]).live_form
    assert live is not None
    return live


@pytest.mark.parametrize("field", ["document", "number"])
def test_saving_a_changed_document_or_number_is_refused(version, field) -> None:
    before = FormVersion.objects.values().get(pk=version.pk)
    if field == "document":
        version.document = {**version.document, "title": {"ja": "書き換え"}}
    else:
        version.number = 7
    with pytest.raises(DomainError) as refused:
        version.save()
    assert refused.value.code == "form.version_published"
    assert "公開済みの様式の版は変更できません" in refused.value.message
    assert FormVersion.objects.values().get(pk=version.pk) == before


def test_bulk_updates_of_the_content_are_refused(version) -> None:
    with pytest.raises(DomainError):
        FormVersion.objects.filter(pk=version.pk).update(
            document=NOTE_FORM | {"title": {"ja": "x"}}
        )
    with pytest.raises(DomainError):
        FormVersion.objects.filter(pk=version.pk).update(number=9)
    assert FormVersion.objects.get(pk=version.pk).number == 1


def test_saving_unchanged_content_and_other_fields_is_allowed(version) -> None:
    version.published_by_id = 42
    version.save()
    assert FormVersion.objects.get(pk=version.pk).published_by_id == 42


def test_deleting_is_refused(version) -> None:
    with pytest.raises(DomainError) as refused:
        version.delete()
    assert refused.value.code == "form.version_published"
    with pytest.raises(DomainError):
        FormVersion.objects.filter(pk=version.pk).delete()
    assert FormVersion.objects.filter(pk=version.pk).exists()


def test_publishing_again_adds_a_version_and_leaves_the_first_alone(catalogue, version) -> None:
    first = FormVersion.objects.values().get(pk=version.pk)
    second = intake.publish_form(catalogue["jido"], NOTE_FORM | {"title": {"ja": "届出（改）"}})
    assert second.number == 2
    assert FormVersion.objects.values().get(pk=version.pk) == first
