"""Account forms: shape and length only; business rules live in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from jichitai.accounts.models import User
from jichitai.accounts.roles import Role
from jichitai.core.models import OrgUnit

# Long enough for any passphrase (ASVS 6.2.9 asks for at least 64), short enough that
# hashing a request body cannot tie up a worker.
PASSWORD_MAX_LENGTH = 256


class NewPasswordForm(forms.Form):
    """A new password typed twice, checked against the password rules for `user`."""

    password = forms.CharField(
        label=_("パスワード"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        help_text=_("12文字以上。推測されにくい言葉を組み合わせてください。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("パスワード（確認）"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def password_owner(self, data: dict[str, Any]) -> User | None:
        """Whose password this is, for the similarity check."""
        return self.user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, confirmation = data.get("password"), data.get("password_confirmation")
        if password and confirmation and password != confirmation:
            self.add_error(
                "password_confirmation",
                forms.ValidationError(
                    _("確認用のパスワードが一致しません。"), code="password_mismatch"
                ),
            )
        if password and "password" not in self.errors:
            try:
                password_validation.validate_password(password, self.password_owner(data))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class RegistrationForm(NewPasswordForm):
    display_name = forms.CharField(
        label=_("お名前（表示名）"),
        max_length=100,
        help_text=_("画面やメールでの呼びかけに使います。ニックネームでもかまいません。"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        help_text=_("確認のためのメールを送ります。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["display_name", "email", "password", "password_confirmation"]

    def password_owner(self, data: dict[str, Any]) -> User | None:
        return User(email=data.get("email", ""), display_name=data.get("display_name", ""))


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("パスワード"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード"),
        max_length=16,
        help_text=_("認証アプリに表示されている6桁の数字、または回復コードを入力してください。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )


class EnrolmentForm(forms.Form):
    code = forms.RegexField(
        label=_("確認コード"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        help_text=_("認証アプリに表示されている6桁の数字を入力してください。"),
        error_messages={"invalid": _("確認コードは6桁の数字で入力してください。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments shown with their division (部 課), as staff know them."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent else str(obj.name)


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices, widget=forms.RadioSelect)
    department = DepartmentChoiceField(
        label=_("所属（課）"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("担当者・承認者・所属管理者は所属を選んでください。"),
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department_field = cast(DepartmentChoiceField, self.fields["department"])
        department_field.queryset = departments.select_related("parent")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, department = data.get("role"), data.get("department")
        if role in {Role.CLERK, Role.APPROVER, Role.DEPARTMENT_ADMIN} and department is None:
            self.add_error("department", _("この役割には所属を選んでください。"))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("名前"),
        max_length=60,
        help_text=_("何に使うトークンか分かる名前（例：家計簿アプリ）"),
    )
    days = forms.TypedChoiceField(
        label=_("有効期間"),
        coerce=int,
        choices=[(30, _("30日")), (90, _("90日")), (365, _("1年"))],
        initial=90,
        widget=forms.RadioSelect,
    )
