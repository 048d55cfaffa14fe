"""Finding procedures: Japanese search, filters, detail pages and life-event guides."""

import pytest
from django.core.management import call_command

from jichitai.procedures import selectors, services
from jichitai.procedures.models import LifeEvent, Procedure

pytestmark = pytest.mark.django_db


def _titles(procedures) -> list[str]:
    return [procedure.title_ja for procedure in procedures]


@pytest.mark.parametrize("query", ["ごみ", "ゴミ", "ｺﾞﾐ", "粗大", "家具", "bulky", "BULKY"])
def test_search_finds_bulky_waste_however_it_is_typed(catalogue, query) -> None:
    assert _titles(selectors.search_published_procedures(query)) == ["粗大ごみ収集の申込み"]


def test_search_needs_every_term_and_skips_unpublished(catalogue) -> None:
    assert _titles(selectors.search_published_procedures("児童")) == ["児童手当の認定請求"]
    assert _titles(selectors.search_published_procedures("児童 ごみ")) == []
    assert _titles(selectors.search_published_procedures("引っ越し")) == ["転入届"]
    assert "未公開のごみ手続き" not in _titles(selectors.search_published_procedures(""))


def test_filters_by_department_and_online(catalogue) -> None:
    assert _titles(selectors.search_published_procedures(department_code="kazei")) == [
        "粗大ごみ収集の申込み"
    ]
    assert "転入届" not in _titles(selectors.search_published_procedures(online_only=True))


def test_updating_a_procedure_keeps_search_in_step(catalogue) -> None:
    services.update_procedure(catalogue["tennyu"], keywords="住所変更")
    assert _titles(selectors.search_published_procedures("住所変更")) == ["転入届"]
    assert _titles(selectors.search_published_procedures("引越し")) == []


def test_catalogue_page_searches(client, catalogue) -> None:
    response = client.get("/procedures/", {"q": "ごみ"})
    assert response.status_code == 200
    assert [p.slug for p in response.context["page"]] == ["sodai-gomi"]
    body = response.content.decode()
    assert "粗大ごみ収集の申込み" in body and "未公開" not in body


def test_catalogue_page_lists_everything_and_life_events(client, catalogue) -> None:
    body = client.get("/procedures/").content.decode()
    assert body.count('class="tag') >= 3
    assert "/life-events/moving/" in body


def test_too_long_query_is_refused_with_a_message(client, catalogue) -> None:
    response = client.get("/procedures/", {"q": "あ" * 101})
    assert response.status_code == 400
    assert response.context["form"].has_error("q", "max_length")
    assert list(response.context["page"]) == []


def test_unknown_department_is_refused(client, catalogue) -> None:
    response = client.get("/procedures/", {"department": "no-such"})
    assert response.status_code == 400
    assert response.context["form"].has_error("department", "invalid_choice")


def test_htmx_search_returns_only_the_results(client, catalogue) -> None:
    fragment = client.get("/procedures/", {"q": "児童"}, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.strip().startswith('<section id="results"') and "<html" not in body
    assert "児童手当の認定請求" in body


def test_catalogue_query_count_is_flat(
    client, catalogue, departments, django_assert_max_num_queries
) -> None:
    for number in range(25):
        services.create_procedure(
            slug=f"extra-{number}",
            title_ja=f"追加の手続き{number}",
            summary_ja="概要",
            channel="online",
            is_published=True,
            department=departments["koseki"],
        )
    with django_assert_max_num_queries(8):
        response = client.get("/procedures/")
    assert response.status_code == 200
    assert 'href="?page=2"' in response.content.decode()


def test_procedure_page(client, catalogue) -> None:
    response = client.get("/procedures/jido-teate/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "健康保険証" in body and "口座の情報" in body
    assert "20開庁日" in body and "無料" in body


def test_procedure_page_in_english_falls_back_to_japanese(client, catalogue) -> None:
    client.cookies["django_language"] = "en"
    english = client.get("/procedures/sodai-gomi/").content.decode()
    assert "Bulky waste collection" in english
    fallback = client.get("/procedures/jido-teate/").content.decode()
    assert "児童手当の認定請求" in fallback


def test_unpublished_and_unknown_procedures_are_404(client, catalogue) -> None:
    assert client.get("/procedures/mikokai/").status_code == 404
    assert client.get("/procedures/nothing/").status_code == 404


def test_life_event_lists_published_steps_in_order(client, catalogue) -> None:
    response = client.get("/life-events/moving/")
    assert response.status_code == 200
    steps = [step.procedure.slug for step in response.context["life_event"].steps.all()]
    assert steps == ["tennyu-todoke", "jido-teate"]
    assert "14日以内" in response.content.decode()
    assert client.get("/life-events/none/").status_code == 404


def test_bad_procedure_data_is_refused(departments) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_procedure(
            slug="bad slug!",
            title_ja="x",
            summary_ja="x",
            channel="online",
            department=departments["koseki"],
        )
    with pytest.raises(ValidationError):
        services.create_procedure(
            slug="x", title_ja="x", summary_ja="x", channel="fax", department=departments["koseki"]
        )
    assert not Procedure.objects.exists()


def test_demo_catalogue_loads_idempotently() -> None:
    call_command("load_demo_data")
    counts = (Procedure.objects.count(), LifeEvent.objects.count())
    assert counts[0] >= 8 and set(LifeEvent.objects.values_list("slug", flat=True)) == {
        "moving",
        "birth",
        "care",
        "death",
    }
    call_command("load_demo_data")
    assert (Procedure.objects.count(), LifeEvent.objects.count()) == counts


@pytest.mark.django_db
def test_demo_has_eight_live_forms_and_sample_applications_in_every_state() -> None:
    from jichitai.procedures.models import Application

    call_command("load_demo_data")
    live = set(Procedure.objects.filter(live_form__isnull=False).values_list("slug", flat=True))
    assert len(live) >= 8 and {"rinji-kyufukin", "hoiku-nyuen", "doro-senyo"} <= live
    states = set(Application.objects.values_list("status", flat=True))
    assert states == {
        "received",
        "under_review",
        "correction_requested",
        "approved",
        "completed",
        "rejected",
        "withdrawn",
    }
    made = Application.objects.count()
    call_command("load_demo_data")
    assert Application.objects.count() == made
