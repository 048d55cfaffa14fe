"""The demo catalogue: about thirty Ota City data sets (サンプルデータ), loaded through the same
services staff use — every file is uploaded, checked and published, so the demo shows the
pipeline's real results. One table is CP932, as many municipal files still are, and one
upload (地域・年齢別人口) has errors, left unpublished for staff to see its report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from jichitai.accounts.models import User
from jichitai.core.models import OrgUnit
from jichitai.opendata.demo_tables import GROUPS, REPORTS, TABLES
from jichitai.opendata.models import (
    DataRequest,
    DataRequestFiling,
    Dataset,
    Group,
    Resource,
    State,
    UpdateFrequency,
)
from jichitai.opendata.services import data_requests
from jichitai.opendata.services.catalogue import create_dataset
from jichitai.opendata.services.datastore import load_published_file
from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload
from jichitai.opendata.standards import standard_by_id
from jichitai.opendata.standards.samples import sample_rows

SAMPLE_NOTE = (
    "これはデモ用に生成したサンプルデータです。実在の施設や統計を表すものではありません。\n\n"
)
UPLOADER = "sysadmin@example.jp"

# (standard, layout, name, title, department, group, tags, rows, encoding)
STANDARD_DEMOS: list[tuple[str, str, str, str, str, str, list[str], int, str]] = [
    (
        "aed-locations",
        "legacy",
        "aed",
        "AED設置箇所一覧",
        "somu-ka",
        "bosai",
        ["AED", "防災"],
        60,
        "cp932",
    ),
    (
        "evacuation-sites",
        "current",
        "evacuation-sites",
        "指定緊急避難場所一覧",
        "somu-ka",
        "bosai",
        ["避難所", "防災"],
        80,
        "utf-8",
    ),
    (
        "public-toilets",
        "current",
        "public-toilets",
        "公衆トイレ一覧",
        "dorokoen-ka",
        "kyoiku-bunka",
        ["トイレ", "バリアフリー"],
        40,
        "utf-8",
    ),
    (
        "public-facilities",
        "current",
        "public-facilities",
        "公共施設一覧",
        "keirikanzai-ka",
        "jutaku-tochi",
        ["公共施設"],
        120,
        "utf-8",
    ),
    (
        "childcare-facilities",
        "current",
        "childcare-facilities",
        "子育て施設一覧",
        "hoikuservice-ka",
        "shakaihosho",
        ["子育て", "保育"],
        90,
        "utf-8",
    ),
    (
        "public-wifi",
        "current",
        "public-wifi",
        "公衆無線LANアクセスポイント一覧",
        "johoseisaku-ka",
        "johotsushin",
        ["Wi-Fi"],
        30,
        "utf-8",
    ),
    (
        "population-by-area-and-age",
        "legacy",
        "population-by-area-and-age",
        "地域・年齢別人口",
        "kosekijumin-ka",
        "jinko-setai",
        ["人口"],
        40,
        "utf-8",
    ),
]


def _csv(labels: list[str], rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(labels)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _report_pdf(title: str) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFont("HeiseiKakuGo-W5", 18)
    page.drawString(72, 760, title)
    page.setFont("HeiseiKakuGo-W5", 11)
    page.drawString(72, 730, "大田区（サンプルデータ・デモ用に生成した文書です）")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _dataset(
    name: str, title: str, department: str, group: str, tags: list[str], **extra: Any
) -> Dataset:
    unit = OrgUnit.objects.get(code=department)
    return create_dataset(
        unit,
        name=name,
        title=f"{title}（サンプル）",
        notes=SAMPLE_NOTE + f"大田区{unit.name_ja}が公開する「{title}」です。",
        state=State.ACTIVE,
        tags=tags,
        groups=[Group.objects.get(name=group)],
        spatial="東京都大田区",
        maintainer=unit.name_ja,
        maintainer_email="opendata@example.jp",
        update_frequency=extra.pop("update_frequency", UpdateFrequency.ANNUAL),
        temporal_start=dt.date(2025, 4, 1),
        **extra,
    )


def _upload_and_publish(uploader: User, resource: Resource, content: bytes, filename: str) -> None:
    stored = receive_upload(uploader, resource, SimpleUploadedFile(filename, content))
    stored = check_file(stored.pk)  # Already done when tasks run immediately; then a no-op.
    stored.refresh_from_db()
    if stored.publishable:
        publish_file(uploader, stored)
        # Loaded now, so the demo's tables are in the datastore when `make run` starts; the
        # task queued by publishing then finds them loaded and does nothing.
        load_published_file(stored.pk)


def _resource(dataset: Dataset, name: str) -> Resource:
    return Resource.objects.create(dataset=dataset, name=name, position=dataset.resources.count())


@transaction.atomic
def load() -> None:
    uploader = User.objects.get(email=UPLOADER)
    # The loader acts as the system administrator, as if signed in with the second factor.
    uploader.is_verified = lambda: True  # type: ignore[attr-defined]
    if not Dataset.objects.exists():
        _catalogue(uploader)
    if not DataRequest.objects.exists():
        _data_requests(uploader)


def _catalogue(uploader: User) -> None:
    for name, title, title_en in GROUPS:
        Group.objects.get_or_create(name=name, defaults={"title": title, "title_en": title_en})

    for (
        standard_id,
        layout_name,
        name,
        title,
        department,
        group,
        tags,
        count,
        encoding,
    ) in STANDARD_DEMOS:
        layout = getattr(standard_by_id(standard_id), layout_name)
        dataset = _dataset(name, title, department, group, tags, conforms_to=standard_id)
        resource = _resource(dataset, f"{title}（CSV）")
        rows = list(sample_rows(layout, count, title=title))
        _upload_and_publish(uploader, resource, _csv(layout.labels, rows, encoding), f"{name}.csv")
        if standard_id == "population-by-area-and-age":
            # A newer upload with errors: staff of 戸籍住民課 (the demo clerk) see its report;
            # the public keeps the good file.
            rows[3][layout.labels.index("調査年月日")] = "R8.4.1"
            rows[7][layout.labels.index("総人口")] = "約1200"
            bad = _csv(layout.labels, rows, encoding)
            newer = receive_upload(
                uploader, resource, SimpleUploadedFile("population-new.csv", bad)
            )
            check_file(newer.pk)

    for name, title, department, group, tags, labels, make_rows in TABLES:
        dataset = _dataset(name, title, department, group, tags)
        resource = _resource(dataset, f"{title}（CSV）")
        _upload_and_publish(uploader, resource, _csv(labels, make_rows(), "utf-8"), f"{name}.csv")

    for name, title, department, group, tags in REPORTS:
        dataset = _dataset(
            name, title, department, group, tags, update_frequency=UpdateFrequency.IRREG
        )
        resource = _resource(dataset, f"{title}（PDF）")
        _upload_and_publish(uploader, resource, _report_pdf(title), f"{name}.pdf")

    _open_data_list(uploader)


def _open_data_list(uploader: User) -> None:
    """The standard オープンデータ一覧, listing this catalogue itself."""
    layout = standard_by_id("open-data-list").current  # type: ignore[union-attr]
    datasets = list(Dataset.objects.order_by("name"))
    rows = []
    for number, dataset in enumerate(datasets, 1):
        values = {
            "全国地方公共団体コード": "131113",
            "ID": f"{number:04d}",
            "地方公共団体名": "東京都大田区",
            "名称": dataset.title,
            "分類": ", ".join(g.title for g in dataset.groups.all()),
            "データセットの説明": dataset.notes.splitlines()[-1],
            "URL": f"https://opendata.example.jp/dataset/{dataset.name}",
            "ファイル形式": "CSV",
            "更新頻度": dataset.get_update_frequency_display(),
            "公開日": dataset.metadata_created.date().isoformat(),
            "最終更新日": dataset.metadata_modified.date().isoformat(),
            "ライセンス": "CC BY 4.0",
        }
        rows.append([values.get(label, "") for label in layout.labels])
    dataset = _dataset(
        "open-data-list",
        "オープンデータ一覧",
        "johoseisaku-ka",
        "johotsushin",
        ["オープンデータ"],
        conforms_to="open-data-list",
    )
    resource = _resource(dataset, "オープンデータ一覧（CSV）")
    _upload_and_publish(
        uploader, resource, _csv(layout.labels, rows, "utf-8"), "open-data-list.csv"
    )


def _data_requests(answerer: User) -> None:
    """Three sample data requests (データリクエスト): one answered, one under review, one that
    still waits for a department. No e-mail addresses, so no mail is queued."""
    loader_address = "demo-loader"
    answered = data_requests.file_request(
        title="町丁目別の転入・転出者数（サンプル）",
        description=SAMPLE_NOTE + "町丁目ごと・月ごとの転入者数と転出者数を公開してほしいです。",
        purpose="地域の子育て支援の計画づくりに使いたい。",
        requester_name="蒲田の住民（サンプル）",
        department=OrgUnit.objects.get(code="kosekijumin-ka"),
        dataset=Dataset.objects.filter(name="population-by-area-and-age").first(),
        client_ip=loader_address,
    )
    data_requests.answer_request(
        answerer,
        answered,
        status="under_review",
        answer="",
    )
    data_requests.answer_request(
        answerer,
        answered,
        status="published",
        answer="「地域・年齢別人口」に町丁目別の人口を掲載しました。転入・転出者数は次回の更新で"
        "追加する予定です。（サンプルの回答です）",
    )
    reviewing = data_requests.file_request(
        title="公園の遊具の一覧（サンプル）",
        description=SAMPLE_NOTE + "区立公園ごとの遊具の種類と設置年、対象年齢。",
        requester_name="子育てアプリ開発者（サンプル）",
        department=OrgUnit.objects.get(code="dorokoen-ka"),
        client_ip=loader_address,
    )
    data_requests.answer_request(answerer, reviewing, status="under_review", answer="")
    data_requests.file_request(
        title="区内の空き家の件数（サンプル）",
        description=SAMPLE_NOTE + "地域別の空き家の件数を年ごとに知りたい。",
        client_ip=loader_address,
    )
    # The loader's filings must not count against anyone's hourly limit.
    DataRequestFiling.objects.filter(client_key=data_requests.client_key(loader_address)).delete()
