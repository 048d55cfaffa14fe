"""The editing services: rules for publishing, optimistic concurrency, resource order, audit."""

from __future__ import annotations

import pytest

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.opendata.models import State
from jichitai.opendata.services import editing

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(verified_staff, departments):
    clerk = verified_staff("clerk")
    return editing.add_dataset(
        clerk, departments["koseki"], fields={"name": "parks", "title": "公園一覧"}
    )


def test_a_clerk_drafts_and_an_approver_publishes(draft, verified_staff) -> None:
    assert draft.state == State.DRAFT and draft.search_text
    clerk, approver = verified_staff("clerk"), verified_staff("approver")
    with pytest.raises(DomainError) as refused:
        editing.publish_dataset(clerk, draft)
    assert refused.value.code == "opendata.publish_forbidden"
    with pytest.raises(editing.InvalidFields) as missing:
        editing.publish_dataset(approver, draft)
    assert set(missing.value.errors) == {"notes"}
    editing.edit_dataset(clerk, draft, fields={"notes": "区立公園"})
    assert editing.publish_dataset(approver, draft).state == State.ACTIVE
    with pytest.raises(editing.InvalidFields):
        editing.edit_dataset(clerk, draft, fields={"notes": ""})  # a public set keeps its rules
    editing.unpublish_dataset(approver, draft)
    editing.delete_dataset(approver, draft)
    draft.refresh_from_db()
    assert draft.state == State.DELETED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"opendata.dataset.create", "opendata.dataset.publish", "opendata.dataset.delete"} <= (
        actions
    )


def test_a_stale_edit_is_refused_and_saves_nothing(draft, verified_staff) -> None:
    clerk = verified_staff("clerk")
    started = draft.metadata_modified
    editing.edit_dataset(clerk, draft, fields={"title": "先に保存"}, expected_modified=started)
    with pytest.raises(editing.StaleEdit):
        editing.edit_dataset(
            clerk, draft, fields={"title": "後から保存"}, expected_modified=started
        )
    draft.refresh_from_db()
    assert draft.title == "先に保存"


def test_other_departments_and_residents_cannot_edit(draft, verified_staff, make_user) -> None:
    for outsider in (verified_staff("approver", department="kazei"), make_user("resident")):
        with pytest.raises(DomainError):
            editing.edit_dataset(outsider, draft, fields={"title": "x"})


def test_resources_move_reorder_and_close_up_on_delete(draft, verified_staff) -> None:
    clerk = verified_staff("clerk")
    a, b, c = (
        editing.add_resource(clerk, draft, fields={"name": name, "format": "csv"}) for name in "abc"
    )
    assert a.format == "CSV"

    def order() -> list[str]:
        return [r.name for r in draft.resources.filter(state=State.ACTIVE).order_by("position")]

    editing.move_resource(clerk, c, -1)
    assert order() == ["a", "c", "b"]
    editing.move_resource(clerk, a, -1)  # already first: nothing changes
    assert order() == ["a", "c", "b"]
    editing.reorder_resources(clerk, draft, [str(b.pk), str(a.pk), str(c.pk)])
    assert order() == ["b", "a", "c"]
    with pytest.raises(editing.InvalidFields):
        editing.reorder_resources(clerk, draft, [str(b.pk)])
    editing.delete_resource(clerk, a)
    positions = list(draft.resources.filter(state=State.ACTIVE).values_list("position", flat=True))
    assert sorted(positions) == [0, 1]


def test_a_name_taken_at_the_last_moment_is_a_field_error(draft, verified_staff, monkeypatch):
    from jichitai.opendata.models import Dataset

    clerk = verified_staff("clerk")
    # As if another request saved "parks" between the uniqueness check and the save.
    monkeypatch.setattr(Dataset, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(editing.InvalidFields) as taken:
        editing.add_dataset(
            clerk, draft.owner_org, fields={"name": "parks", "title": "二つ目の公園一覧"}
        )
    assert "name" in taken.value.errors
    assert Dataset.objects.filter(name="parks").count() == 1
