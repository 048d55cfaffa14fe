"""Form documents of the demo procedures for benefits, certificates, childcare and roads
(sample data): the city-wide cash benefit (modelled on the 2020 特別定額給付金), 住民票の写しの
郵送請求, 児童手当, 保育施設の入園申込み and 道路占用許可申請."""

from __future__ import annotations

from typing import Any, cast

from jichitai.procedures.demo_forms import APPLICANT_PAGE, t

APPLICANT_QUESTIONS = cast(list[dict[str, Any]], APPLICANT_PAGE["questions"])

RELATIONS = [
    {"value": "spouse", "label": t("配偶者", "Spouse")},
    {"value": "child", "label": t("子", "Child")},
    {"value": "parent", "label": t("父母", "Parent")},
    {"value": "other", "label": t("その他", "Other")},
]

BANK_ACCOUNT = {
    "id": "bank_account",
    "type": "bank_account",
    "label": t("振込先口座", "Bank account for the payment"),
    "hint": t(
        "申請者（世帯主）名義の口座に限ります。ゆうちょ銀行は振込用の店名・口座番号を入力してください。",
        "It must be in the applicant's name. For Japan Post Bank, use the branch and number for transfers.",
    ),
}

CASH_BENEFIT: dict[str, Any] = {
    "title": t("臨時特別給付金の申請（サンプル）", "Special cash benefit application (sample)"),
    # One application per household: the reference printed on the letter the city mails.
    "dedupe": {"question": "household_ref"},
    "pages": [
        {
            "id": "letter",
            "title": t("申請書の番号", "Reference on your letter"),
            "questions": [
                {
                    "id": "household_ref",
                    "type": "short_text",
                    "label": t("世帯番号", "Household reference"),
                    "hint": t(
                        "区から届いた申請書の右上に印字されている10桁の番号です（例：1234-5678-90）。",
                        "The 10-digit number printed at the top right of the letter from the city (e.g. 1234-5678-90).",
                    ),
                    "min_length": 10,
                    "max_length": 14,
                },
                {
                    "id": "is_head",
                    "type": "yes_no",
                    "label": t("あなたは世帯主ですか", "Are you the head of the household?"),
                },
            ],
        },
        {
            "id": "not_head",
            "title": t("世帯主の方が申請してください", "The head of household applies"),
            "show_if": [{"question": "is_head", "values": ["no"]}],
            "exit_message": t(
                "この給付金は世帯主の方が世帯全員分をまとめて申請します。世帯主の方が申請できない事情がある場合は、代理申請の方法を福祉管理課にお問い合わせください。",
                "The head of the household applies for everyone in it. If they cannot, ask the Welfare Administration Division about applying as their agent.",
            ),
        },
        {
            "id": "head",
            "title": t("世帯主", "Head of household"),
            "questions": [
                {"id": "name", "type": "name", "label": t("氏名", "Name")},
                {
                    "id": "birth_date",
                    "type": "date",
                    "label": t("生年月日", "Date of birth"),
                    "max_date": "today",
                },
                *APPLICANT_QUESTIONS[1:],  # address and phone
            ],
        },
        {
            "id": "household",
            "title": t("世帯員", "Household members"),
            "questions": [
                {
                    "id": "members",
                    "type": "group",
                    "label": t("世帯主以外の世帯員", "Members other than the head"),
                    "hint": t(
                        "一人暮らしの場合は何も入力せずに次へ進んでください。",
                        "If you live alone, leave this empty and continue.",
                    ),
                    "required": False,
                    "max_items": 10,
                    "questions": [
                        {"id": "name", "type": "name", "label": t("氏名", "Name")},
                        {
                            "id": "relation",
                            "type": "single_choice",
                            "label": t("続柄", "Relationship"),
                            "options": RELATIONS,
                        },
                        {
                            "id": "birth_date",
                            "type": "date",
                            "label": t("生年月日", "Date of birth"),
                            "max_date": "today",
                        },
                        {
                            "id": "wants_benefit",
                            "type": "yes_no",
                            "label": t("給付を希望しますか", "Does this person want the benefit?"),
                        },
                    ],
                }
            ],
        },
        {
            "id": "payment",
            "title": t("振込先", "Payment"),
            "questions": [BANK_ACCOUNT],
        },
        {
            "id": "documents",
            "title": t("確認書類", "Documents"),
            "questions": [
                {
                    "id": "identity_document",
                    "type": "file",
                    "max_size_mb": 5,
                    "label": t("本人確認書類の写し", "Copy of your proof of identity"),
                    "hint": t(
                        "運転免許証、健康保険証など（マイナンバーの記載面は提出しないでください）",
                        "Driving licence, health insurance card, etc. (never send the side with your My Number)",
                    ),
                },
                {
                    "id": "account_document",
                    "type": "file",
                    "max_size_mb": 5,
                    "label": t("振込先口座の確認書類の写し", "Copy of the bank account document"),
                    "hint": t(
                        "通帳やキャッシュカードの、口座番号と名義がわかる部分",
                        "The part of your passbook or cash card showing the number and holder",
                    ),
                },
            ],
        },
    ],
    "declaration": t(
        "記載内容に誤りはありません。給付金の支給のため、区が住民基本台帳の情報を確認することに同意します。",
        "The information is correct. I agree that the city checks the residents' register to pay the benefit.",
    ),
}

JUMINHYO: dict[str, Any] = {
    "title": t("住民票の写しの郵送請求", "Certificate of residence by post"),
    "pages": [
        APPLICANT_PAGE,
        {
            "id": "request",
            "title": t("請求の内容", "What you need"),
            "questions": [
                {
                    "id": "scope",
                    "type": "single_choice",
                    "label": t("必要な方", "Whose entries"),
                    "options": [
                        {"value": "all", "label": t("世帯全員", "Everyone in the household")},
                        {"value": "me", "label": t("本人のみ", "Only me")},
                    ],
                },
                {
                    "id": "items",
                    "type": "multiple_choice",
                    "label": t("記載が必要な事項", "Entries to include"),
                    "required": False,
                    "options": [
                        {"value": "relation", "label": t("続柄", "Relationship")},
                        {
                            "value": "domicile",
                            "label": t("本籍・筆頭者", "Family register domicile"),
                        },
                        {"value": "previous", "label": t("前住所", "Previous address")},
                    ],
                },
                {
                    "id": "copies",
                    "type": "number",
                    "label": t("通数", "Number of copies"),
                    "min_value": 1,
                    "max_value": 10,
                },
                {
                    "id": "purpose",
                    "type": "short_text",
                    "label": t("使用目的・提出先", "Purpose and where it goes"),
                    "max_length": 100,
                },
            ],
        },
    ],
    "declaration": t("請求内容に誤りはありません。", "The information I have given is correct."),
}

JIDO_TEATE: dict[str, Any] = {
    "title": t("児童手当の認定請求", "Child allowance application"),
    "dedupe": {},  # one claim per verified person
    "pages": [
        APPLICANT_PAGE,
        {
            "id": "children",
            "title": t("養育している児童", "Children you raise"),
            "questions": [
                {
                    "id": "children",
                    "type": "group",
                    "label": t("児童", "Children"),
                    "min_items": 1,
                    "max_items": 10,
                    "questions": [
                        {"id": "name", "type": "name", "label": t("氏名", "Name")},
                        {
                            "id": "birth_date",
                            "type": "date",
                            "label": t("生年月日", "Date of birth"),
                            "max_date": "today",
                        },
                        {
                            "id": "lives_with",
                            "type": "yes_no",
                            "label": t("同居していますか", "Does the child live with you?"),
                        },
                    ],
                }
            ],
        },
        {
            "id": "insurance",
            "title": t("加入している年金", "Your pension scheme"),
            "questions": [
                {
                    "id": "pension",
                    "type": "single_choice",
                    "label": t("加入している年金", "Pension scheme"),
                    "hint": t(
                        "公務員の方は勤務先から支給されるため、区への請求は不要です。",
                        "Public servants receive the allowance from their employer instead.",
                    ),
                    "options": [
                        {"value": "kosei", "label": t("厚生年金", "Employees' pension")},
                        {"value": "kokumin", "label": t("国民年金", "National pension")},
                        {
                            "value": "kyosai",
                            "label": t("共済組合（公務員）", "Mutual aid (public servant)"),
                        },
                    ],
                }
            ],
        },
        {
            "id": "public_servant",
            "title": t("勤務先に請求してください", "Apply at your employer"),
            "show_if": [{"question": "pension", "values": ["kyosai"]}],
            "exit_message": t(
                "公務員の方の児童手当は勤務先から支給されます。勤務先の担当部署に請求してください。",
                "Public servants receive the child allowance from their employer. Please apply there.",
            ),
        },
        {"id": "payment", "title": t("振込先", "Payment"), "questions": [BANK_ACCOUNT]},
    ],
    "declaration": t(
        "記載内容に誤りはありません。所得・世帯の状況を区が公簿で確認することに同意します。",
        "The information is correct. I agree that the city checks income and household records.",
    ),
}

HOIKU: dict[str, Any] = {
    "title": t("保育施設の入園申込み", "Nursery school admission"),
    "pages": [
        APPLICANT_PAGE,
        {
            "id": "child",
            "title": t("入園を希望する児童", "The child"),
            "questions": [
                {"id": "child_name", "type": "name", "label": t("氏名", "Name")},
                {
                    "id": "child_birth_date",
                    "type": "date",
                    "label": t("生年月日", "Date of birth"),
                    "max_date": "today",
                },
                {
                    "id": "start_month",
                    "type": "date",
                    "label": t("入園希望日（月の1日）", "Start date (first of a month)"),
                    "min_date": "today",
                },
                {
                    "id": "preferences",
                    "type": "long_text",
                    "label": t(
                        "希望する施設（第1希望から順に）", "Nurseries in order of preference"
                    ),
                    "max_length": 500,
                },
            ],
        },
        {
            "id": "guardians",
            "title": t("保護者と世帯", "Guardians and household"),
            "questions": [
                {
                    "id": "household",
                    "type": "group",
                    "label": t(
                        "同居の世帯員（保護者を含む）", "Household members (guardians included)"
                    ),
                    "min_items": 1,
                    "max_items": 8,
                    "questions": [
                        {"id": "name", "type": "name", "label": t("氏名", "Name")},
                        {
                            "id": "relation",
                            "type": "single_choice",
                            "label": t("児童との続柄", "Relationship to the child"),
                            "options": [
                                {"value": "mother", "label": t("母", "Mother")},
                                {"value": "father", "label": t("父", "Father")},
                                {"value": "grandparent", "label": t("祖父母", "Grandparent")},
                                {"value": "sibling", "label": t("きょうだい", "Sibling")},
                                {"value": "other", "label": t("その他", "Other")},
                            ],
                        },
                        {
                            "id": "need",
                            "type": "single_choice",
                            "label": t("保育を必要とする理由", "Reason childcare is needed"),
                            "options": [
                                {"value": "work", "label": t("就労", "Work")},
                                {"value": "study", "label": t("就学", "Study")},
                                {"value": "care", "label": t("介護・看護", "Caring for someone")},
                                {
                                    "value": "illness",
                                    "label": t("疾病・障害", "Illness or disability"),
                                },
                                {"value": "none", "label": t("該当なし", "None")},
                            ],
                        },
                    ],
                }
            ],
        },
        {
            "id": "proof",
            "title": t("証明書類", "Proof"),
            "questions": [
                {
                    "id": "employment_certificate",
                    "type": "file",
                    "label": t("就労証明書など", "Employment certificate or similar"),
                }
            ],
        },
    ],
    "declaration": t("記載内容に誤りはありません。", "The information I have given is correct."),
}

DORO_SENYO: dict[str, Any] = {
    "title": t("道路占用許可申請", "Road occupancy permit"),
    "pages": [
        {
            "id": "company",
            "title": t("申請者（事業者）", "Applicant (business)"),
            "questions": [
                {
                    "id": "company_name",
                    "type": "short_text",
                    "label": t("法人名・屋号", "Company or trade name"),
                    "max_length": 100,
                },
                {
                    "id": "corporate_number",
                    "type": "short_text",
                    "label": t("法人番号（13桁）", "Corporate number (13 digits)"),
                    "required": False,
                    "min_length": 13,
                    "max_length": 13,
                },
                {"id": "contact", "type": "name", "label": t("担当者", "Contact person")},
                {"id": "address", "type": "address", "label": t("所在地", "Address")},
                {"id": "phone", "type": "phone", "label": t("電話番号", "Phone")},
                {"id": "email", "type": "email", "label": t("メールアドレス", "Email")},
            ],
        },
        {
            "id": "occupancy",
            "title": t("占用の内容", "Occupancy"),
            "questions": [
                {
                    "id": "kind",
                    "type": "single_choice",
                    "label": t("占用物件", "Object"),
                    "options": [
                        {
                            "value": "scaffold",
                            "label": t("足場・仮囲い", "Scaffolding or hoarding"),
                        },
                        {"value": "sign", "label": t("看板", "Sign")},
                        {"value": "pipe", "label": t("管路（埋設）", "Buried pipe")},
                        {"value": "other", "label": t("その他", "Other")},
                    ],
                },
                {"id": "location", "type": "short_text", "label": t("占用場所", "Location")},
                {
                    "id": "area_m2",
                    "type": "number",
                    "label": t("占用面積（平方メートル、切上げ）", "Area (m², rounded up)"),
                    "min_value": 1,
                    "max_value": 10000,
                },
                {"id": "from_date", "type": "date", "label": t("占用開始日", "From")},
                {"id": "to_date", "type": "date", "label": t("占用終了日", "Until")},
            ],
        },
        {
            "id": "drawings",
            "title": t("図面", "Drawings"),
            "questions": [
                {
                    "id": "location_map",
                    "type": "file",
                    "label": t("位置図・平面図", "Location map and plan"),
                },
                {"id": "structure", "type": "file", "label": t("構造図", "Structural drawing")},
            ],
        },
    ],
    "declaration": t(
        "道路法及び大田区道路占用規則を守って占用します。",
        "We will occupy the road in accordance with the Road Act and the ward's rules.",
    ),
}

FORMS: dict[str, dict[str, Any]] = {
    "rinji-kyufukin": CASH_BENEFIT,
    "juminhyo-yuso": JUMINHYO,
    "jido-teate": JIDO_TEATE,
    "hoiku-nyuen": HOIKU,
    "doro-senyo": DORO_SENYO,
}
