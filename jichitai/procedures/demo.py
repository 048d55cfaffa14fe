"""Demo catalogue: procedures of Ota City and life-event guides (sample data).

Names, departments and usual fees follow what Tokyo's wards publish; wording, periods and
details are illustrative and marked as sample data on every page. Idempotent: entries that
exist are kept as they are.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jichitai.core.models import OrgUnit
from jichitai.procedures import demo_applications, services
from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.demo_forms_benefits import FORMS as BENEFIT_FORMS
from jichitai.procedures.models import LifeEvent, LifeEventStep, Procedure
from jichitai.procedures.services import intake

PROCEDURES: list[dict[str, Any]] = [
    {
        "slug": "sodai-gomi",
        "department": "seiso-ka",
        "title_ja": "粗大ごみ収集の申込み",
        "title_en": "Bulky waste collection",
        "summary_ja": "家具や家電など、一辺が30cmを超えるごみの収集を申し込みます。",
        "summary_en": "Ask for collection of furniture and other items larger than 30 cm on a side.",
        "description_ja": "収集日の前日までに申し込み、品目ごとの手数料分の有料粗大ごみ処理券を貼って出してください。\nエアコン・テレビ・冷蔵庫・洗濯機・パソコンは対象外です。",
        "description_en": "Apply by the day before collection and attach disposal tickets for each item.\nAir conditioners, TVs, refrigerators, washing machines and PCs are not collected.",
        "eligibility_ja": "区内に住んでいる方（家庭から出るごみに限ります）",
        "eligibility_en": "Residents of the ward (household waste only)",
        "documents_ja": "品目と大きさ\n有料粗大ごみ処理券",
        "documents_en": "The items and their sizes\nBulky waste disposal tickets",
        "fee_yen": 400,
        "fee_note_ja": "品目により400円から",
        "fee_note_en": "from 400 yen, depending on the item",
        "standard_processing_days": 5,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "account",
        "keywords": "粗大ゴミ 家具 ソファ ベッド 自転車 回収",
    },
    {
        "slug": "juminhyo-yuso",
        "department": "kosekijumin-ka",
        "title_ja": "住民票の写しの郵送請求",
        "title_en": "Certificate of residence by post",
        "summary_ja": "住民票の写しを郵送で受け取るための請求です。",
        "summary_en": "Request a copy of your certificate of residence (juminhyo) by post.",
        "eligibility_ja": "本人または同一世帯の方（代理人は委任状が必要です）",
        "eligibility_en": "You or a member of your household (an agent needs a letter of attorney)",
        "documents_ja": "本人確認書類\n手数料（定額小為替）\n返信用封筒",
        "documents_en": "Proof of identity\nFee (postal money order)\nA stamped return envelope",
        "fee_yen": 300,
        "fee_note_ja": "1通につき",
        "fee_note_en": "per copy",
        "standard_processing_days": 5,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "verified",
        "keywords": "住民票 証明書 写し 郵送",
    },
    {
        "slug": "inu-toroku",
        "department": "seikatsueisei-ka",
        "title_ja": "犬の登録",
        "title_en": "Dog registration",
        "summary_ja": "生後91日以上の犬を飼い始めたら、30日以内に登録してください。",
        "summary_en": "Register a dog older than 91 days within 30 days of starting to keep it.",
        "documents_ja": "犬の種類・毛色・生年月日\n狂犬病予防注射済証（お持ちの場合）",
        "documents_en": "Breed, colour and date of birth of the dog\nRabies vaccination certificate (if you have it)",
        "fee_yen": 3000,
        "standard_processing_days": 10,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "account",
        "keywords": "いぬ ペット 狂犬病 鑑札",
    },
    {
        "slug": "jido-teate",
        "department": "kosodateshien-ka",
        "title_ja": "児童手当の認定請求",
        "title_en": "Child allowance application",
        "summary_ja": "高校生年代までの子どもを養育している方が児童手当を受けるための請求です。",
        "summary_en": "Apply for the child allowance if you raise children up to high-school age.",
        "eligibility_ja": "区内に住み、高校生年代までの児童を養育している方",
        "eligibility_en": "Residents raising children up to high-school age",
        "documents_ja": "請求者の健康保険の情報\n請求者名義の口座情報\nマイナンバーがわかるもの",
        "documents_en": "Health insurance details of the applicant\nA bank account in the applicant's name\nMy Number",
        "fee_yen": 0,
        "standard_processing_days": 20,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "verified",
        "keywords": "児童 子ども 子育て 手当 出生 転入",
    },
    {
        "slug": "hoiku-nyuen",
        "department": "hoikuservice-ka",
        "title_ja": "保育施設の入園申込み",
        "title_en": "Nursery school admission",
        "summary_ja": "認可保育園などへの入園を申し込みます。世帯全員の就労状況などを記入します。",
        "summary_en": "Apply for a place at a licensed nursery. You describe the work of every guardian.",
        "documents_ja": "保育を必要とする理由がわかる書類（就労証明書など）\n世帯員の情報",
        "documents_en": "Proof of the need for childcare (such as an employment certificate)\nDetails of household members",
        "fee_yen": 0,
        "standard_processing_days": 30,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "verified",
        "keywords": "保育園 こども園 入園 子ども 待機",
    },
    {
        "slug": "doro-senyo",
        "department": "dorokoen-ka",
        "title_ja": "道路占用許可申請",
        "title_en": "Road occupancy permit",
        "summary_ja": "看板・足場・工事などで区道を使用するための許可を申請します。",
        "summary_en": "Apply for a permit to use a ward road for signs, scaffolding or works.",
        "documents_ja": "位置図・平面図\n占用物件の構造図\n工程表",
        "documents_en": "Location map and plan\nStructural drawing of the object\nWork schedule",
        "fee_yen": 0,
        "fee_note_ja": "占用料は物件と面積により別途",
        "fee_note_en": "occupancy charges depend on the object and area",
        "standard_processing_days": 14,
        "channel": "online",
        "applicant": "business",
        "identity_level": "account",
        "keywords": "道路 占用 工事 足場 看板 事業者",
    },
    {
        "slug": "shukai-shisetsu",
        "department": "chiikiryoku-ka",
        "title_ja": "集会施設の利用申込み",
        "title_en": "Community hall booking",
        "summary_ja": "区民センターなどの集会室の利用を申し込みます。",
        "summary_en": "Book a meeting room at a community centre.",
        "fee_yen": 0,
        "fee_note_ja": "部屋と時間帯により使用料がかかります",
        "fee_note_en": "room charges depend on the room and time",
        "standard_processing_days": 3,
        "channel": "online",
        "applicant": "anyone",
        "identity_level": "account",
        "keywords": "施設 予約 会議室 集会室 区民センター",
    },
    {
        "slug": "rinji-kyufukin",
        "department": "fukushikanri-ka",
        "title_ja": "臨時特別給付金の申請（サンプル）",
        "title_en": "Special cash benefit (sample)",
        "summary_ja": "2020年の特別定額給付金にならった、世帯主が世帯全員分を申請する給付金です（デモ用の架空の制度）。",
        "summary_en": "A cash benefit modelled on the 2020 special fixed benefit: the head of household applies for everyone (a fictional scheme for the demo).",
        "eligibility_ja": "基準日に区の住民基本台帳に記録されている方の世帯主",
        "eligibility_en": "Heads of household of residents registered on the reference date",
        "documents_ja": "世帯員の情報\n振込先口座の情報\n本人確認書類",
        "documents_en": "Details of household members\nThe bank account for the payment\nProof of identity",
        "fee_yen": 0,
        "standard_processing_days": 20,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "account",
        "keywords": "給付金 定額 世帯 振込",
    },
    {
        "slug": "tennyu-todoke",
        "department": "kosekijumin-ka",
        "title_ja": "転入届",
        "title_en": "Moving-in notification",
        "summary_ja": "区外から引っ越してきたら、住み始めてから14日以内に届け出てください。",
        "summary_en": "Notify the ward within 14 days of moving in from outside.",
        "documents_ja": "転出証明書（マイナンバーカードで転出した場合は不要）\n本人確認書類\n世帯全員のマイナンバーカード",
        "documents_en": "Moving-out certificate (not needed if you moved out with your My Number card)\nProof of identity\nMy Number cards of everyone moving",
        "fee_yen": 0,
        "channel": "counter",
        "applicant": "resident",
        "identity_level": "verified",
        "keywords": "引越し 引っ越し 転入 住所変更",
    },
    {
        "slug": "shussei-todoke",
        "department": "kosekijumin-ka",
        "title_ja": "出生届",
        "title_en": "Birth registration",
        "summary_ja": "子どもが生まれた日を含めて14日以内に届け出てください。",
        "summary_en": "Register a birth within 14 days, counting the day of birth.",
        "documents_ja": "出生証明書（出生届と一体の用紙）\n母子健康手帳",
        "documents_en": "Birth certificate (on the same form)\nMaternal and child health handbook",
        "fee_yen": 0,
        "channel": "counter",
        "applicant": "resident",
        "identity_level": "none",
        "keywords": "出産 誕生 赤ちゃん 戸籍",
    },
    {
        "slug": "yokaigo-nintei",
        "department": "kaigohoken-ka",
        "title_ja": "要介護・要支援認定の申請",
        "title_en": "Long-term care certification",
        "summary_ja": "介護保険のサービスを使うために、介護や支援が必要な度合いの認定を申請します。",
        "summary_en": "Apply for certification of care needs to use long-term care insurance services.",
        "documents_ja": "介護保険被保険者証\n主治医の情報",
        "documents_en": "Long-term care insurance card\nDetails of the family doctor",
        "fee_yen": 0,
        "standard_processing_days": 30,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "verified",
        "keywords": "介護 要介護 要支援 高齢者 認定",
    },
    {
        "slug": "shibo-todoke",
        "department": "kosekijumin-ka",
        "title_ja": "死亡届",
        "title_en": "Death registration",
        "summary_ja": "亡くなったことを知った日から7日以内に届け出てください。",
        "summary_en": "Register a death within 7 days of learning of it.",
        "documents_ja": "死亡診断書（死亡届と一体の用紙）\n届出人の印鑑（任意）",
        "documents_en": "Death certificate (on the same form)\nThe notifier's seal (optional)",
        "fee_yen": 0,
        "channel": "counter",
        "applicant": "resident",
        "identity_level": "none",
        "keywords": "死亡 葬儀 火葬 相続",
    },
]

# (slug, title_ja, title_en, summary_ja, summary_en, [(procedure slug, timing_ja, timing_en)])
LIFE_EVENTS: list[tuple[str, str, str, str, str, list[tuple[str, str, str]]]] = [
    (
        "moving",
        "引越し",
        "Moving house",
        "区へ引っ越してきたとき、区内で引っ越したときの手続きです。",
        "What to do when you move into or within the ward.",
        [
            ("tennyu-todoke", "住み始めてから14日以内", "within 14 days of moving in"),
            ("jido-teate", "転入した日の翌日から15日以内", "within 15 days after moving in"),
            ("hoiku-nyuen", "入園を希望する月の前月まで", "by the month before the desired start"),
            ("inu-toroku", "犬を飼っている場合", "if you keep a dog"),
            ("juminhyo-yuso", "必要なとき", "when needed"),
        ],
    ),
    (
        "birth",
        "出生",
        "Having a baby",
        "子どもが生まれたときの手続きです。",
        "What to do when a child is born.",
        [
            (
                "shussei-todoke",
                "生まれた日を含めて14日以内",
                "within 14 days, counting the day of birth",
            ),
            ("jido-teate", "生まれた日の翌日から15日以内", "within 15 days after the birth"),
            ("hoiku-nyuen", "保育が必要になる前", "before you need childcare"),
        ],
    ),
    (
        "care",
        "介護",
        "Long-term care",
        "家族に介護が必要になったときの手続きです。",
        "What to do when a family member needs care.",
        [("yokaigo-nintei", "介護サービスを使う前", "before using care services")],
    ),
    (
        "death",
        "死亡",
        "Death in the family",
        "家族が亡くなったときの手続きです。",
        "What to do when a family member dies.",
        [
            (
                "shibo-todoke",
                "亡くなったことを知った日から7日以内",
                "within 7 days of learning of the death",
            ),
            ("juminhyo-yuso", "相続などで必要なとき", "when needed, for inheritance for example"),
        ],
    ),
]


@transaction.atomic
def load() -> None:
    for entry in PROCEDURES:
        if Procedure.objects.filter(slug=entry["slug"]).exists():
            continue
        fields = dict(entry)
        fields["department"] = OrgUnit.objects.get(code=fields["department"])
        services.create_procedure(is_published=True, **fields)
    for slug, document in {**FORMS, **BENEFIT_FORMS}.items():
        procedure = Procedure.objects.get(slug=slug)
        if procedure.live_form_id is None:
            intake.publish_form(procedure, document)
    for order, (slug, title_ja, title_en, summary_ja, summary_en, steps) in enumerate(LIFE_EVENTS):
        event, created = LifeEvent.objects.get_or_create(
            slug=slug,
            defaults={
                "title_ja": title_ja,
                "title_en": title_en,
                "summary_ja": summary_ja,
                "summary_en": summary_en,
                "sort_order": order,
            },
        )
        if not created:
            continue
        for step_order, (procedure_slug, timing_ja, timing_en) in enumerate(steps):
            LifeEventStep.objects.create(
                life_event=event,
                procedure=Procedure.objects.get(slug=procedure_slug),
                order=step_order,
                timing_ja=timing_ja,
                timing_en=timing_en,
            )
    demo_applications.load()
