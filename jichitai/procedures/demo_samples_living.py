"""Sample applications (sample data) for the everyday procedures of demo_forms: 粗大ごみ収集の
申込み, 犬の登録 and 集会施設の利用申込み."""

from __future__ import annotations

from jichitai.procedures.demo_samples import (
    ANSWER_CORRECTION,
    APPROVE,
    COMPLETE,
    WITHDRAW,
    Sample,
    Step,
    applicant,
    business_days_ahead,
    correction,
    document,
    rejection,
    review,
)

SODAI_GOMI = [
    Sample(
        "demo-sodai-gomi-1",
        "sodai-gomi",
        "resident@example.jp",
        lambda: {
            "from_household": "yes",
            **applicant("resident@example.jp"),
            "items": [{"item": "sofa", "count": 1}, {"item": "bicycle", "count": 1}],
            "collection_date": business_days_ahead(4),
            "note": "玄関前に出します。（サンプル）",
        },
    ),
    Sample(
        "demo-sodai-gomi-2",
        "sodai-gomi",
        "resident2@example.jp",
        lambda: {
            "from_household": "yes",
            **applicant("resident2@example.jp"),
            "items": [{"item": "bed", "count": 1}],
            "collection_date": business_days_ahead(2),
        },
        review(APPROVE, COMPLETE),
    ),
    Sample(
        "demo-sodai-gomi-3",
        "sodai-gomi",
        "resident3@example.jp",
        lambda: {
            "from_household": "yes",
            **applicant("resident3@example.jp"),
            "items": [{"item": "other", "count": 2}],
            "collection_date": business_days_ahead(6),
        },
        review(
            correction(
                "「出すもの」のページで「その他」を選んだ品目が何かわかりません。"
                "品目と大きさを「置き場所など、伝えたいこと」に書いてください。（サンプル）",
                "items",
                "when",
            )
        ),
    ),
]


def _dog(email: str, dog_name: str, vaccinated: bool) -> dict[str, object]:
    return {
        **applicant(email),
        "dog_name": dog_name,
        "breed": "柴犬",
        "birth_date": "2025-06-01",
        "sex": "female",
        "vaccinated": "yes" if vaccinated else "no",
        **({"certificate": document("certificate.pdf")} if vaccinated else {}),
    }


INU_TOROKU = [
    Sample(
        "demo-inu-toroku-1",
        "inu-toroku",
        "resident@example.jp",
        lambda: _dog("resident@example.jp", "ハナ（サンプル）", vaccinated=True),
        review(),
    ),
    Sample(
        "demo-inu-toroku-2",
        "inu-toroku",
        "resident2@example.jp",
        lambda: _dog("resident2@example.jp", "コタロウ（サンプル）", vaccinated=True),
        review(
            correction(
                "「注射済証」のページの写真が不鮮明で、注射を受けた日が読み取れません。"
                "撮り直した写真を添付してください。（サンプル）",
                "certificate",
            ),
            Step(
                "resident",
                ANSWER_CORRECTION,
                "明るい場所で撮り直しました。注射日は今年4月10日です。（サンプル）",
            ),
            APPROVE,
        ),
    ),
    Sample(
        "demo-inu-toroku-3",
        "inu-toroku",
        "resident3@example.jp",
        lambda: _dog("resident3@example.jp", "モモ（サンプル）", vaccinated=False),
        (WITHDRAW,),
    ),
]


def _booking(email: str, facility: str, days: int, slots: list[str], purpose: str) -> dict:
    return {
        **applicant(email),
        "facility": facility,
        "use_date": business_days_ahead(days),
        "slots": slots,
        "people": 20,
        "purpose": purpose,
    }


SHUKAI_SHISETSU = [
    Sample(
        "demo-shukai-shisetsu-1",
        "shukai-shisetsu",
        "resident@example.jp",
        lambda: _booking(
            "resident@example.jp", "kamata", 10, ["afternoon"], "町会の役員会（サンプル）"
        ),
        review(APPROVE),
    ),
    Sample(
        "demo-shukai-shisetsu-2",
        "shukai-shisetsu",
        "resident3@example.jp",
        lambda: _booking(
            "resident3@example.jp", "omori", 15, ["morning", "afternoon"], "合唱の練習（サンプル）"
        ),
    ),
    Sample(
        "demo-shukai-shisetsu-3",
        "shukai-shisetsu",
        "resident2@example.jp",
        lambda: _booking("resident2@example.jp", "kamata", 5, ["evening"], "囲碁教室（サンプル）"),
        review(
            rejection(
                "ご希望の日の夜間は、すでに別の予約で埋まっています。"
                "別の日時でお申し込みください。（サンプル）"
            )
        ),
    ),
]

SAMPLES = [*SODAI_GOMI, *INU_TOROKU, *SHUKAI_SHISETSU]
