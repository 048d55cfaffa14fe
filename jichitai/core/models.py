"""The municipality and its organisation tree (部 → 課 → 係)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jichitai.core.japanese import municipality_code


def validate_municipality_code(value: str) -> None:
    if not municipality_code.is_valid(value):
        raise ValidationError(
            _("全国地方公共団体コードは検査数字を含む6桁の半角数字で入力してください。"),
            code="invalid_municipality_code",
        )


class BilingualNameMixin(models.Model):
    name_ja = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英語名称"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Japanese."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_ja


class Municipality(BilingualNameMixin):
    """地方公共団体: the municipality this installation serves."""

    code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[validate_municipality_code],
    )
    prefecture_ja = models.CharField(_("都道府県"), max_length=10)
    prefecture_en = models.CharField(_("都道府県（英語）"), max_length=30, blank=True)
    # True while the installation runs on generated demo data; the UI says so on every page.
    is_sample_data = models.BooleanField(_("サンプルデータ"), default=False)

    class Meta:
        verbose_name = _("地方公共団体")
        verbose_name_plural = _("地方公共団体")

    @property
    def full_name(self) -> str:
        """With its prefecture: 東京都大田区, or Ota City, Tokyo."""
        if get_language() == "en" and self.name_en and self.prefecture_en:
            return f"{self.name_en}, {self.prefecture_en}"
        return f"{self.prefecture_ja}{self.name_ja}"


class OrgUnit(BilingualNameMixin):
    """An organisation unit: division (部), department (課) or section (係).

    Departments own procedures and data sets; staff roles are granted per department.
    """

    class Level(models.TextChoices):
        DIVISION = "division", _("部")
        DEPARTMENT = "department", _("課")
        SECTION = "section", _("係")

    # Which level may sit under which: a tree of exactly three levels.
    PARENT_LEVEL = {Level.DEPARTMENT: Level.DIVISION, Level.SECTION: Level.DEPARTMENT}

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.CharField(_("階層"), max_length=12, choices=Level.choices)
    code = models.SlugField(_("組織コード"), max_length=40)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="orgunit_code_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(level="division", parent__isnull=True)
                    | models.Q(level__in=["department", "section"], parent__isnull=False)
                ),
                name="orgunit_only_divisions_are_roots",
            ),
        ]

    def clean(self) -> None:
        expected = self.PARENT_LEVEL.get(self.Level(self.level)) if self.level else None
        if self.parent is not None and self.parent.level != expected:
            raise ValidationError({"parent": _("上位組織の階層が正しくありません。")})

    @property
    def department(self) -> OrgUnit | None:
        """The 課 this unit belongs to: itself, its parent for a 係, none for a 部."""
        if self.level == self.Level.DEPARTMENT:
            return self
        if self.level == self.Level.SECTION:
            return self.parent
        return None
