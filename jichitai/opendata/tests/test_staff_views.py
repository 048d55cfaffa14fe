"""Staff upload, follow the check, read the report, clear personal data and publish — in
their own departments only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jichitai.governance.models import AuditEvent
from jichitai.opendata.models import CheckStatus, ResourceFile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def resource(catalogue: dict[str, Any]) -> Any:
    return catalogue["toilets"].resources.create(name="トイレ一覧（CSV）")


def upload(client: Any, resource: Any, content: bytes, name: str = "t.csv") -> Any:
    return client.post(
        f"/staff/data/toilets/resources/{resource.pk}/upload/",
        {"file": SimpleUploadedFile(name, content)},
    )


def test_upload_check_report_and_publish(client, make_staff, signed_in, resource) -> None:
    signed_in(client, make_staff("clerk"))
    assert "公衆トイレ一覧" in client.get("/staff/data/").content.decode()
    bad = "名称,利用開始時間\r\n蒲田駅前,9時\r\n".encode()
    response = upload(client, resource, bad)
    assert response.status_code == 302
    stored = ResourceFile.objects.get()
    assert stored.status == CheckStatus.PASSED  # no standard matched: plain text columns
    page = client.get("/staff/data/toilets/").content.decode()
    assert "問題なし" in page and "このファイルを公開する" in page
    assert client.post(f"/staff/data/toilets/files/{stored.pk}/publish/").status_code == 302
    resource.refresh_from_db()
    assert resource.published_file_id == stored.pk
    assert AuditEvent.objects.filter(action="opendata.file.publish").exists()


def test_errors_are_shown_and_downloadable_and_block_publication(
    client, make_staff, signed_in, resource
) -> None:
    from jichitai.opendata.standards import standard_by_id
    from jichitai.opendata.standards.samples import sample_rows

    layout = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]
    rows = [layout.labels, *sample_rows(layout, 3)]
    rows[2][layout.labels.index("緯度")] = "=HYPERLINK(1)"
    content = "\r\n".join(",".join(row) for row in rows).encode()
    signed_in(client, make_staff("clerk"))
    upload(client, resource, content)
    stored = ResourceFile.objects.get()
    assert stored.status == CheckStatus.FAILED
    page = client.get("/staff/data/toilets/").content.decode()
    assert "エラー：「緯度」の値「=HYPERLINK(1)」は数値として読めません。" in page
    assert "このファイルを公開する" not in page
    report = client.get(f"/staff/data/toilets/files/{stored.pk}/report.csv")
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text  # defused for spreadsheets
    response = client.post(f"/staff/data/toilets/files/{stored.pk}/publish/", follow=True)
    assert "公開できません" in response.content.decode()


def test_the_report_shows_bad_cells_in_a_table_and_downloads_in_full(
    client, make_staff, signed_in, resource
) -> None:
    import csv
    import io

    from jichitai.opendata.standards import standard_by_id
    from jichitai.opendata.standards.samples import sample_rows

    layout = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]
    rows = [layout.labels, *sample_rows(layout, 1_100)]
    latitude = layout.labels.index("緯度")
    for row in rows[1:]:
        row[latitude] = "北緯35度"
    rows[5][0] = "131114"  # row 6: a wrong check digit as well
    content = "\r\n".join(",".join(row) for row in rows).encode("cp932")
    signed_in(client, make_staff("clerk"))
    upload(client, resource, content)
    stored = ResourceFile.objects.get()
    page = client.get("/staff/data/toilets/").content.decode()
    assert "エラー 1101 件、警告 0 件のうち、それぞれ先頭 50 件までを表示しています。" in page
    assert "確認結果をすべてダウンロード（CSV、1101 件）" in page
    # The table view: the first rows with problems, each bad cell marked with a symbol and
    # a numbered link to its message in the list.
    grid = page[page.index('class="report-grid"') : page.index("</table>")]
    assert grid.count("<tr>") == 1 + 20
    assert grid.count("report-grid__cell--error") == 21
    anchor = f"issue-{stored.pk}-error-1"
    assert (
        f'<a class="report-grid__mark" href="#{anchor}" aria-describedby="{anchor}-message">'
        "エラー 1</a>"
    ) in grid
    assert f'<tr class="issue issue--error" id="{anchor}">' in page
    assert f'id="{anchor}-message">エラー：「緯度」の値「北緯35度」は数値として読めません。' in page
    assert '<span class="report-grid__flag" aria-hidden="true">⚠</span> 131114' in grid
    # The download has every issue, not only the ones kept for the page.
    response = client.get(f"/staff/data/toilets/files/{stored.pk}/report.csv")
    assert response["Content-Disposition"] == f'attachment; filename="report-{stored.pk}.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 1 + 1_101
    assert lines[0] == ["区分", "種類", "行", "列番号", "列", "値", "内容"]
    assert lines[5][:4] == ["エラー", "municipality-code", "6", "1"]  # row 6, before its 緯度


def test_hostile_upload_is_refused_next_to_the_field(client, make_staff, signed_in, resource):
    signed_in(client, make_staff("clerk"))
    response = upload(client, resource, b"<html><script>x</script></html>", "a.csv")
    assert response.status_code == 400
    page = response.content.decode()
    assert "HTML、SVG、XML のファイルは公開できません。" in page
    assert f'href="#upload-{resource.pk}-file"' in page
    assert not ResourceFile.objects.exists()


def test_personal_data_needs_an_approver(client, make_staff, signed_in, resource) -> None:
    content = "名称,担当者氏名\r\n区役所,山田 太郎\r\n".encode()
    signed_in(client, make_staff("clerk"))
    upload(client, resource, content)
    stored = ResourceFile.objects.get()
    assert stored.status == CheckStatus.BLOCKED
    assert (
        "承認者または所属管理者の確認が必要です"
        in client.get("/staff/data/toilets/").content.decode()
    )
    client.logout()
    signed_in(client, make_staff("approver"))
    short = client.post(f"/staff/data/toilets/files/{stored.pk}/clear/", {"reason": "OK"})
    assert (
        short.status_code == 400 and f'href="#clear-{stored.pk}-reason"' in short.content.decode()
    )
    done = client.post(
        f"/staff/data/toilets/files/{stored.pk}/clear/",
        {"reason": "氏名は区のウェブサイトで公表済みです。"},
    )
    assert done.status_code == 302
    assert client.post(f"/staff/data/toilets/files/{stored.pk}/publish/").status_code == 302


@pytest.mark.parametrize("sent", [{"reason": ""}, {"reason": " \u3000\n"}, {}])
def test_an_empty_reason_is_refused_beside_the_field(
    client, make_staff, signed_in, resource, sent
) -> None:
    """Browsers stop an empty reason (required); a client that does not gets the same refusal
    from the server, beside the field and linked to it, and nothing is cleared."""
    signed_in(client, make_staff("approver"))
    upload(client, resource, "名称,担当者氏名\r\n区役所,山田 太郎\r\n".encode())
    stored = ResourceFile.objects.get()
    assert stored.status == CheckStatus.BLOCKED
    client.get("/staff/data/toilets/")  # the upload's notice, read
    events = AuditEvent.objects.count()
    response = client.post(f"/staff/data/toilets/files/{stored.pk}/clear/", sent)
    assert response.status_code == 400
    page = response.content.decode()
    field = f"clear-{stored.pk}-reason"
    message = "公開してよいと判断した理由を10文字以上で書いてください。"
    assert f'<a href="#{field}">公開してよいと判断した理由：{message}</a>' in page
    assert (
        f'<p class="field__error" id="{field}_error">'
        f'<span class="visually-hidden">エラー：</span>{message}</p>'
    ) in page
    textarea = re.search(rf'<textarea name="reason"[^>]*id="{field}">', page)
    assert textarea is not None
    assert f'aria-describedby="{field}_hint {field}_error"' in textarea.group(0)
    assert 'aria-invalid="true"' in textarea.group(0) and " required " in textarea.group(0)
    assert f'<p class="field__hint" id="{field}_hint">10文字以上。' in page
    # The form is sent to an address that brings it back into view without JavaScript.
    assert f'action="/staff/data/toilets/files/{stored.pk}/clear/#clear-{stored.pk}"' in page
    assert f'id="clear-{stored.pk}"' in page
    assert "<title>エラー：" in page
    stored.refresh_from_db()
    assert stored.personal_data_cleared_at is None and stored.personal_data_clearance_reason == ""
    assert AuditEvent.objects.count() == events


def test_an_upload_without_a_file_is_refused_beside_the_field(
    client, make_staff, signed_in, resource
) -> None:
    signed_in(client, make_staff("clerk"))
    response = client.post(f"/staff/data/toilets/resources/{resource.pk}/upload/", {})
    assert response.status_code == 400
    page = response.content.decode()
    field = f"upload-{resource.pk}-file"
    assert f'<a href="#{field}">ファイル：アップロードするファイルを選んでください。</a>' in page
    assert f'<p class="field__error" id="{field}_error">' in page
    assert f'aria-describedby="{field}_hint {field}_error" required' in page
    assert not ResourceFile.objects.exists()


def test_other_departments_and_residents_get_nothing(
    client, make_staff, make_user, signed_in, resource
) -> None:
    signed_in(client, make_staff("clerk", department="kazei"))
    assert client.get("/staff/data/toilets/").status_code == 404
    assert upload(client, resource, b"a\n1\n").status_code == 404
    assert "公衆トイレ一覧" not in client.get("/staff/data/").content.decode()
    client.logout()
    signed_in(client, make_user("resident"))
    assert client.get("/staff/data/").status_code == 403


def test_pdfs_geojson_and_xlsx_show_what_was_counted(
    client, make_staff, signed_in, resource
) -> None:
    from jichitai.opendata.tests.test_file_checks import collection, pdf
    from jichitai.opendata.tests.test_xlsx import workbook

    signed_in(client, make_staff("clerk"))
    upload(client, resource, pdf(), name="r.pdf")
    assert "2ページ、エラー 0 件" in client.get("/staff/data/toilets/").content.decode()
    upload(client, resource, collection({"type": "Point", "coordinates": [35.5, 139.7]}))
    page = client.get("/staff/data/toilets/").content.decode()
    assert "地物 1 件、エラー 1 件" in page and "緯度と経度が逆" in page
    upload(client, resource, workbook(["名称", "式"], ["区役所", "=1+1"]), name="t.xlsx")
    page = client.get("/staff/data/toilets/").content.decode()
    assert "1行、エラー 0 件、警告 1 件（Excel の最初のシート）" in page
    assert "数式「=1+1」" in page


def test_a_file_being_checked_shows_its_progress(client, make_staff, signed_in, resource) -> None:
    clerk = make_staff("clerk")
    stored = ResourceFile.objects.create(
        resource=resource,
        original_name="big.csv",
        original_storage_name="opendata/originals/being-checked",
        size=10,
        sha256="0" * 64,
        format="CSV",
        uploaded_by=clerk,
        status=CheckStatus.CHECKING,
        progress=57,
    )
    signed_in(client, clerk)
    page = client.get("/staff/data/toilets/").content.decode()
    assert '<span role="status">57% 完了</span>' in page
    # The page follows the check: htmx polls it, and without JavaScript a link reloads it.
    assert 'hx-trigger="every 2s"' in page and "最新の状況を表示" in page
    ResourceFile.objects.filter(pk=stored.pk).update(progress=83)
    fragment = client.get("/staff/data/toilets/", headers={"HX-Request": "true"}).content.decode()
    assert '<span role="status">83% 完了</span>' in fragment
    assert "<html" not in fragment


def test_the_upload_form_states_the_limit(client, make_staff, signed_in, resource) -> None:
    signed_in(client, make_staff("clerk"))
    page = client.get("/staff/data/toilets/").content.decode()
    assert "GeoJSON。200 MB まで。" in page


def test_an_upload_over_the_limit_gets_the_page_again_saying_the_limit(
    client, make_staff, signed_in, resource, settings
) -> None:
    settings.JICHITAI_OPENDATA_MAX_UPLOAD_BYTES = 1_000_000
    settings.JICHITAI_UPLOAD_REFUSE_BODY_BYTES = 1_100_000
    signed_in(client, make_staff("clerk"))
    # Declared over the body limit: refused before the body is read.
    response = client.generic(
        "POST",
        f"/staff/data/toilets/resources/{resource.pk}/upload/",
        b"x" * 1_200_000,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "ファイルが大きすぎます（上限 1 MB）。" in page
    assert f'id="upload-{resource.pk}-file"' in page and "1 MB まで。" in page
    assert "<title>エラー：" in page
    # Within the body limit but over the file limit: refused by the upload, also 413.
    response = upload(client, resource, b"a,b\r\n" * 210_000)
    assert response.status_code == 413
    assert "ファイルが大きすぎます（上限 1 MB）。" in response.content.decode()
    assert not ResourceFile.objects.exists()


def test_an_oversized_upload_to_a_page_staff_cannot_open_gets_the_generic_page(
    client, make_staff, signed_in, resource, settings
) -> None:
    settings.JICHITAI_UPLOAD_REFUSE_BODY_BYTES = 1000
    signed_in(client, make_staff("clerk", department="kazei"))
    response = client.generic(
        "POST",
        f"/staff/data/toilets/resources/{resource.pk}/upload/",
        b"x" * 2000,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Request too large" in page and "トイレ" not in page


def test_a_published_file_failing_a_newly_declared_standard_stays_published_and_staff_are_told(
    client, make_staff, signed_in, resource, verified_staff
) -> None:
    from django.test import Client

    from jichitai.opendata.models import Dataset
    from jichitai.opendata.services import editing
    from jichitai.opendata.standards import standard_by_id
    from jichitai.opendata.standards.samples import sample_rows

    signed_in(client, make_staff("clerk"))
    upload(client, resource, "施設,備考\r\n区役所,なし\r\n".encode())
    stored = ResourceFile.objects.get()
    client.post(f"/staff/data/toilets/files/{stored.pk}/publish/")

    def downloadable() -> bool:
        response = Client().get(f"/dataset/{resource.dataset_id}/resource/{resource.pk}/download/")
        response.close()
        return bool(response.status_code == 200)

    assert downloadable()
    assert "確認を通らなく" not in client.get("/staff/data/toilets/").content.decode()
    assert "要対応" not in client.get("/staff/data/").content.decode()

    # The data set now declares a standard the published file lacks the columns of.
    dataset = Dataset.objects.get(pk=resource.dataset_id)
    Dataset.objects.filter(pk=dataset.pk).update(notes="区内の公衆トイレ", license_id="cc-by-4.0")
    dataset.refresh_from_db()
    editing.edit_dataset(verified_staff("clerk"), dataset, fields={"conforms_to": "aed-locations"})
    stored.refresh_from_db()
    resource.refresh_from_db()
    assert stored.status == CheckStatus.FAILED and stored.error_count == 2
    # Still published: residents are not cut off without staff deciding.
    assert resource.published_file_id == stored.pk
    assert downloadable()
    # Staff are told, on the data set's page, at the resource, and on the list.
    page = client.get("/staff/data/toilets/").content.decode()
    assert '<h2 id="failing-title">公開中のファイルが確認を通らなくなりました</h2>' in page
    assert "準拠する標準データセット（aed-locations）で確認し直したところ" in page
    assert "公開は止めていません。区民や利用者は今もダウンロードできます。" in page
    link = f'<a href="#file-{stored.pk}">トイレ一覧（CSV）：t.csv</a>（エラーあり、エラー 2 件）'
    assert link in page
    assert '<strong class="tag tag--failure">要対応：確認を通りません</strong>' in page
    assert f'<h3 id="file-{stored.pk}">' in page  # the link's target: its report
    listing = client.get("/staff/data/").content.decode()
    assert "要対応：公開中のファイルが確認を通りません" in listing

    # A file that follows the standard, published in its place, settles it.
    layout = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]
    rows = [layout.labels, *sample_rows(layout, 3)]
    upload(client, resource, "\r\n".join(",".join(row) for row in rows).encode(), "aed.csv")
    fixed = ResourceFile.objects.exclude(pk=stored.pk).get()
    assert fixed.status == CheckStatus.PASSED
    client.post(f"/staff/data/toilets/files/{fixed.pk}/publish/")
    assert "確認を通らなく" not in client.get("/staff/data/toilets/").content.decode()
    assert "要対応" not in client.get("/staff/data/").content.decode()
