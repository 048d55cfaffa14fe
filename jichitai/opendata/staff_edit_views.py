"""Staff pages that edit the catalogue: create and edit data sets, publish, withdraw and
delete them (after a confirmation page), and add, edit, reorder and delete resources.

Staff see only their departments' data sets (404 otherwise); publishing, withdrawing and
deleting take an approver or the department's administrator (403 otherwise). Forms come back
with an error summary and the person's input; a save over a newer change is refused (409).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.core.models import OrgUnit
from jichitai.opendata import policies, selectors
from jichitai.opendata.editing_forms import (
    DatasetForm,
    DeleteForm,
    ResourceForm,
    UnpublishForm,
    version_of,
)
from jichitai.opendata.models import Dataset, Resource, State
from jichitai.opendata.services import editing

FORM_METHODS = ["GET", "HEAD", "POST"]


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _dataset_or_404(request: HttpRequest, name: str) -> Dataset:
    dataset = selectors.editable_dataset(request.user, name)
    if dataset is None:
        raise Http404
    return dataset


def _resource_or_404(dataset: Dataset, resource_id: uuid.UUID) -> Resource:
    resource = dataset.resources.filter(pk=resource_id, state=State.ACTIVE).first()
    if resource is None:
        raise Http404
    return resource


def _publisher_only(request: HttpRequest, dataset: Dataset) -> None:
    if not policies.can_publish_dataset(request.user, dataset):
        raise PermissionDenied


def _show_error(form: Any, error: DomainError) -> None:
    """Put a refused rule on the form: on its fields when it names them, else on top."""
    if isinstance(error, editing.InvalidFields):
        for field, problems in error.errors.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _stale(form: Any, current_version: str) -> None:
    """Keep what the person typed, say why it was not saved, and let the next save go ahead
    from the version they have now been shown."""
    data = form.data.copy()
    data["metadata_modified"] = current_version
    form.data = data
    form.add_error(None, editing.StaleEdit().message)


# --- Data sets ---------------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
@staff_required
def dataset_new(request: HttpRequest) -> HttpResponse:
    departments = policies.departments_for_new_datasets(request.user)
    if not departments.exists():
        raise PermissionDenied
    form = DatasetForm(_posted(request), departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = editing.add_dataset(
                request.user,
                form.cleaned_data["owner_org"],
                fields=form.dataset_fields(),
                tags=form.cleaned_data["tags"],
                groups=form.cleaned_data["groups"],
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("データセットを下書きとして作成しました。"))
            return redirect("opendata:staff_dataset", name=dataset.name)
    status = 400 if form.is_bound else 200
    return render(request, "opendata/staff/dataset_form.html", {"form": form}, status=status)


@require_http_methods(FORM_METHODS)
@staff_required
def dataset_edit(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    # Its own department stays a choice even if it has since been abolished.
    departments = OrgUnit.objects.filter(
        Q(pk__in=policies.departments_for_new_datasets(request.user)) | Q(pk=dataset.owner_org_id)
    ).order_by("code")
    form = DatasetForm(_posted(request), instance=dataset, departments=departments)
    status = 200
    saved_now: list[tuple[str, Any]] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                editing.edit_dataset(
                    request.user,
                    dataset,
                    fields=form.dataset_fields(),
                    tags=form.cleaned_data["tags"],
                    groups=form.cleaned_data["groups"],
                    owner_org=form.cleaned_data["owner_org"],
                    expected_modified=form.cleaned_data["metadata_modified"],
                )
            except editing.StaleEdit:
                current = Dataset.objects.get(pk=dataset.pk)
                _stale(form, version_of(current.metadata_modified))
                saved_now = _differences(form, current)
                status = 409
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("データセットを保存しました。"))
                return redirect("opendata:staff_dataset", name=form.cleaned_data["name"])
    context = {
        "form": form,
        "dataset": Dataset.objects.get(pk=dataset.pk),
        "saved_now": saved_now,
    }
    return render(request, "opendata/staff/dataset_form.html", context, status=status)


def _differences(form: DatasetForm, current: Dataset) -> list[tuple[str, Any]]:
    """The saved values that differ from what the person typed, by field label, so they can
    see what the other person changed before saving again."""
    differences: list[tuple[str, Any]] = []
    for name in (*editing.DATASET_FIELDS, "owner_org"):
        if name in form.fields and form.cleaned_data.get(name) != getattr(current, name):
            display = getattr(current, f"get_{name}_display", None)
            value = display() if display else getattr(current, name)
            differences.append((str(form.fields[name].label), value))
    saved_tags = sorted(tag.name for tag in current.tags.all())
    if sorted(form.cleaned_data.get("tags") or []) != saved_tags:
        differences.append((str(form.fields["tags"].label), ", ".join(saved_tags)))
    return differences


@require_POST
@staff_required
def dataset_publish(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    _publisher_only(request, dataset)
    try:
        editing.publish_dataset(request.user, dataset)
    except editing.InvalidFields as error:
        problems = [problem for messages_ in error.errors.values() for problem in messages_]
        messages.error(request, _("公開できません。") + " ".join(problems))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("データセットを公開しました。"))
    return redirect("opendata:staff_dataset", name=name)


@require_http_methods(FORM_METHODS)
@staff_required
def dataset_unpublish(request: HttpRequest, name: str) -> HttpResponse:
    """Take a published data set back to draft: GET says what that does and asks to confirm;
    only the POST from that page (confirm=yes) does it."""
    dataset = _dataset_or_404(request, name)
    _publisher_only(request, dataset)
    if dataset.state != State.ACTIVE:
        messages.error(request, _("このデータセットは公開されていません。"))
        return redirect("opendata:staff_dataset", name=name)
    form = UnpublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            editing.unpublish_dataset(request.user, dataset)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            notice = _("データセットを下書きに戻しました。公開ページからは見えません。")
            messages.success(request, notice)
        return redirect("opendata:staff_dataset", name=name)
    context = {
        "dataset": dataset,
        "form": form,
        "subject": dataset.title,
        "question": _("このデータセットを下書きに戻しますか？"),
        "crumb": _("下書きに戻す"),
        "consequences": [
            _(
                "公開ページ（データを探す、データセットのページ）、CKAN API、DCATカタログから"
                "見えなくなります。見えるのは、このデータセットを担当する課の職員とシステム管理者だけです。"
            ),
            _(
                "リソースのダウンロードURLとデータストアAPIは、区民や外部の利用者には"
                "「見つかりません」と答えるようになります。"
            ),
            _(
                "リソース、公開ファイル、データストアの表は消えません。もう一度公開すると、"
                "同じURLで元どおり見られます。"
            ),
        ],
        "action_label": _("下書きに戻す"),
        "cancel_label": _("公開したまま戻る"),
    }
    status = 400 if form.is_bound else 200
    return render(request, "opendata/staff/confirm_delete.html", context, status=status)


@require_http_methods(FORM_METHODS)
@staff_required
def dataset_delete(request: HttpRequest, name: str) -> HttpResponse:
    """Delete a data set: GET says what that does and asks to confirm; only the POST from that
    page (confirm=yes) deletes, any other POST comes back to it with nothing changed."""
    dataset = _dataset_or_404(request, name)
    _publisher_only(request, dataset)
    form = DeleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            editing.delete_dataset(request.user, dataset)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("opendata:staff_dataset", name=name)
        messages.success(
            request, _("データセット「%(title)s」を削除しました。") % {"title": dataset.title}
        )
        return redirect("opendata:staff_datasets")
    context = {
        "dataset": dataset,
        "form": form,
        "subject": dataset.title,
        "question": _("このデータセットを削除しますか？"),
        "consequence": _(
            "公開ページとAPIから見えなくなります。記録は監査のために残り、URL名は再利用できません。"
        ),
    }
    status = 400 if form.is_bound else 200
    return render(request, "opendata/staff/confirm_delete.html", context, status=status)


# --- Resources ---------------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
@staff_required
def resource_new(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    form = ResourceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            editing.add_resource(request.user, dataset, fields=form.resource_fields())
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("リソースを追加しました。"))
            return redirect("opendata:staff_dataset", name=dataset.name)
    status = 400 if form.is_bound else 200
    context = {"form": form, "dataset": dataset}
    return render(request, "opendata/staff/resource_form.html", context, status=status)


@require_http_methods(FORM_METHODS)
@staff_required
def resource_edit(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    resource = _resource_or_404(dataset, resource_id)
    form = ResourceForm(_posted(request), instance=resource)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                editing.edit_resource(
                    request.user,
                    resource,
                    fields=form.resource_fields(),
                    expected_modified=form.cleaned_data["metadata_modified"],
                )
            except editing.StaleEdit:
                current = Resource.objects.get(pk=resource.pk)
                _stale(form, version_of(current.metadata_modified))
                status = 409
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("リソースを保存しました。"))
                return redirect("opendata:staff_dataset", name=dataset.name)
    context = {"form": form, "dataset": dataset, "resource": resource}
    return render(request, "opendata/staff/resource_form.html", context, status=status)


@require_POST
@staff_required
def resource_move(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    resource = _resource_or_404(dataset, resource_id)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        messages.error(request, _("移動する向きが正しくありません。"))
    else:
        editing.move_resource(request.user, resource, -1 if direction == "up" else 1)
        messages.success(request, _("「%(name)s」を移動しました。") % {"name": resource.name})
    return redirect("opendata:staff_dataset", name=dataset.name)


@require_http_methods(FORM_METHODS)
@staff_required
def resource_delete(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    """Delete a resource: as dataset_delete, only the confirmation page's POST deletes."""
    dataset = _dataset_or_404(request, name)
    resource = _resource_or_404(dataset, resource_id)
    form = DeleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        editing.delete_resource(request.user, resource)
        notice = _("リソース「%(name)s」を削除しました。") % {"name": resource.name}
        messages.success(request, notice)
        return redirect("opendata:staff_dataset", name=dataset.name)
    context = {
        "dataset": dataset,
        "resource": resource,
        "form": form,
        "subject": resource.name,
        "question": _("このリソースを削除しますか？"),
        "consequence": _(
            "公開ページとAPIから見えなくなります。ファイルの記録は監査のために残ります。"
        ),
    }
    status = 400 if form.is_bound else 200
    return render(request, "opendata/staff/confirm_delete.html", context, status=status)
