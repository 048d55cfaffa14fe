"""Form documents of the demo procedures (sample data), published by the demo loader."""

from __future__ import annotations

from typing import Any


def t(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en}


APPLICANT_PAGE = {
    "id": "applicant",
    "title": t("申請者", "Applicant"),
    "questions": [
        {"id": "name", "type": "name", "label": t("氏名", "Name")},
        {
            "id": "address",
            "type": "address",
            "label": t("住所", "Address"),
            "hint": t("区内の住所を入力してください。", "Your address in the ward."),
        },
        {
            "id": "phone",
            "type": "phone",
            "label": t("日中の連絡先電話番号", "Daytime phone number"),
            "hint": t("例：03-5744-1111", "For example 03-5744-1111"),
        },
    ],
}

FORMS: dict[str, dict[str, Any]] = {
    "sodai-gomi": {
        "title": t("粗大ごみ収集の申込み", "Bulky waste collection"),
        "pages": [
            {
                "id": "household",
                "title": t("ごみの種類", "Kind of waste"),
                "questions": [
                    {
                        "id": "from_household",
                        "type": "yes_no",
                        "label": t("家庭から出るごみですか", "Is it waste from a household?"),
                    },
                ],
            },
            {
                "id": "business_waste",
                "title": t("事業系のごみは申し込めません", "Business waste"),
                "show_if": [{"question": "from_household", "values": ["no"]}],
                "exit_message": t(
                    "会社や店舗から出るごみは、区の粗大ごみ収集では受け付けていません。許可業者に依頼してください。",
                    "Waste from companies and shops is not collected by the ward. Please use a licensed contractor.",
                ),
            },
            APPLICANT_PAGE,
            {
                "id": "items",
                "title": t("出すもの", "Items"),
                "questions": [
                    {
                        "id": "items",
                        "type": "group",
                        "label": t("品目", "Items"),
                        "max_items": 10,
                        "questions": [
                            {
                                "id": "item",
                                "type": "single_choice",
                                "label": t("品目", "Item"),
                                "options": [
                                    {"value": "sofa", "label": t("ソファ", "Sofa")},
                                    {"value": "bed", "label": t("ベッド", "Bed")},
                                    {"value": "bicycle", "label": t("自転車", "Bicycle")},
                                    {
                                        "value": "cabinet",
                                        "label": t("たんす・棚", "Chest or shelf"),
                                    },
                                    {"value": "other", "label": t("その他", "Other")},
                                ],
                            },
                            {
                                "id": "count",
                                "type": "number",
                                "label": t("個数", "How many"),
                                "min_value": 1,
                                "max_value": 10,
                            },
                        ],
                    },
                ],
            },
            {
                "id": "when",
                "title": t("収集の希望日", "Collection date"),
                "questions": [
                    {
                        "id": "collection_date",
                        "type": "date",
                        "label": t("希望日", "Preferred date"),
                        "min_date": "today",
                        "hint": t("申込みの翌日以降の平日", "A weekday after today"),
                    },
                    {
                        "id": "note",
                        "type": "long_text",
                        "required": False,
                        "max_length": 500,
                        "label": t(
                            "置き場所など、伝えたいこと",
                            "Where the items will be, or anything else",
                        ),
                    },
                ],
            },
        ],
        "declaration": t(
            "申込み内容に誤りはありません。", "The information I have given is correct."
        ),
    },
    "inu-toroku": {
        "title": t("犬の登録", "Dog registration"),
        "pages": [
            APPLICANT_PAGE,
            {
                "id": "dog",
                "title": t("犬について", "Your dog"),
                "questions": [
                    {
                        "id": "dog_name",
                        "type": "short_text",
                        "label": t("犬の名前", "Dog's name"),
                        "max_length": 30,
                    },
                    {
                        "id": "breed",
                        "type": "short_text",
                        "label": t("犬種", "Breed"),
                        "max_length": 50,
                    },
                    {
                        "id": "birth_date",
                        "type": "date",
                        "label": t("生年月日", "Date of birth"),
                        "max_date": "today",
                    },
                    {
                        "id": "sex",
                        "type": "single_choice",
                        "label": t("性別", "Sex"),
                        "options": [
                            {"value": "male", "label": t("オス", "Male")},
                            {"value": "female", "label": t("メス", "Female")},
                        ],
                    },
                    {
                        "id": "vaccinated",
                        "type": "yes_no",
                        "label": t(
                            "今年度の狂犬病予防注射を受けましたか",
                            "Has it had this year's rabies vaccination?",
                        ),
                    },
                ],
            },
            {
                "id": "certificate",
                "title": t("注射済証", "Vaccination certificate"),
                "show_if": [{"question": "vaccinated", "values": ["yes"]}],
                "questions": [
                    {
                        "id": "certificate",
                        "type": "file",
                        "max_size_mb": 5,
                        "label": t(
                            "狂犬病予防注射済証の写真またはPDF", "Photo or PDF of the certificate"
                        ),
                    }
                ],
            },
        ],
        "declaration": t(
            "申請内容に誤りはありません。", "The information I have given is correct."
        ),
    },
    "shukai-shisetsu": {
        "title": t("集会施設の利用申込み", "Community hall booking"),
        "pages": [
            APPLICANT_PAGE,
            {
                "id": "booking",
                "title": t("利用の内容", "Booking"),
                "questions": [
                    {
                        "id": "facility",
                        "type": "single_choice",
                        "label": t("施設", "Facility"),
                        "options": [
                            {
                                "value": "kamata",
                                "label": t(
                                    "蒲田地区の区民センター（サンプル）",
                                    "Kamata community centre (sample)",
                                ),
                            },
                            {
                                "value": "omori",
                                "label": t(
                                    "大森地区の区民センター（サンプル）",
                                    "Omori community centre (sample)",
                                ),
                            },
                        ],
                    },
                    {
                        "id": "use_date",
                        "type": "date",
                        "label": t("利用日", "Date"),
                        "min_date": "today",
                    },
                    {
                        "id": "slots",
                        "type": "multiple_choice",
                        "label": t("時間帯", "Time slots"),
                        "options": [
                            {
                                "value": "morning",
                                "label": t("午前（9時〜12時）", "Morning (9:00–12:00)"),
                            },
                            {
                                "value": "afternoon",
                                "label": t("午後（13時〜17時）", "Afternoon (13:00–17:00)"),
                            },
                            {
                                "value": "evening",
                                "label": t("夜間（18時〜21時）", "Evening (18:00–21:00)"),
                            },
                        ],
                    },
                    {
                        "id": "people",
                        "type": "number",
                        "label": t("人数", "Number of people"),
                        "min_value": 1,
                        "max_value": 200,
                    },
                    {
                        "id": "purpose",
                        "type": "short_text",
                        "label": t("利用目的", "Purpose"),
                        "max_length": 100,
                    },
                ],
            },
        ],
    },
}
