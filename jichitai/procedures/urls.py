from django.urls import path

from jichitai.procedures.views import (
    apply,
    back_office,
    catalogue,
    corrections,
    documents,
    notification_templates,
    notifications,
)
from jichitai.procedures.views.builder import (
    conditions,
    overview,
    pages,
    preview,
    publishing,
    questions,
    transfer,
)
from jichitai.procedures.views.builder import procedures as builder_procedures

app_name = "procedures"

urlpatterns = [
    path("procedures/", catalogue.catalogue, name="catalogue"),
    path("procedures/<slug:slug>/", catalogue.procedure_detail, name="procedure_detail"),
    path("procedures/<slug:slug>/apply/", apply.start, name="apply_start"),
    path("procedures/<slug:slug>/apply/check/", apply.check, name="apply_check"),
    path(
        "procedures/<slug:slug>/apply/save-for-later/",
        apply.save_for_later,
        name="apply_save_for_later",
    ),
    path("procedures/resume/<str:token>/", apply.resume_draft, name="resume_draft"),
    path(
        "procedures/<slug:slug>/apply/attachments/<int:attachment_id>/",
        documents.draft_attachment,
        name="draft_attachment",
    ),
    path("procedures/<slug:slug>/apply/<slug:page_id>/", apply.page, name="apply_page"),
    path("life-events/<slug:slug>/", catalogue.life_event_detail, name="life_event_detail"),
    path("applications/", apply.my_applications, name="my_applications"),
    path(
        "applications/<str:receipt_number>/correction/",
        apply.answer_correction,
        name="answer_correction",
    ),
    path(
        "applications/<str:receipt_number>/correction/check/",
        corrections.correction_check,
        name="correction_check",
    ),
    path(
        "applications/<str:receipt_number>/correction/discard/",
        corrections.correction_discard,
        name="correction_discard",
    ),
    path(
        "applications/<str:receipt_number>/correction/pages/<slug:page_id>/",
        corrections.correction_page,
        name="correction_page",
    ),
    path("applications/<str:receipt_number>/withdraw/", apply.withdraw, name="withdraw"),
    path(
        "applications/<str:receipt_number>/receipt.pdf",
        documents.receipt_pdf,
        name="receipt_pdf",
    ),
    path(
        "applications/<str:receipt_number>/attachments/<int:attachment_id>/",
        documents.attachment,
        name="attachment",
    ),
    path(
        "staff/applications/<str:receipt_number>/receipt.pdf",
        documents.staff_receipt_pdf,
        name="staff_receipt_pdf",
    ),
    path(
        "staff/applications/<str:receipt_number>/attachments/<int:attachment_id>/",
        documents.staff_attachment,
        name="staff_attachment",
    ),
    path("staff/applications/", back_office.inbox, name="inbox"),
    path("staff/applications/bulk/", back_office.bulk, name="inbox_bulk"),
    path("staff/applications/export/", back_office.export, name="inbox_export"),
    path(
        "staff/applications/<str:receipt_number>/assign/",
        back_office.assign,
        name="staff_application_assign",
    ),
    path(
        "staff/applications/<str:receipt_number>/notes/",
        back_office.add_note,
        name="staff_application_note",
    ),
    path(
        "staff/applications/<str:receipt_number>/",
        back_office.application,
        name="staff_application",
    ),
    path(
        "staff/applications/<str:receipt_number>/move/",
        back_office.move,
        name="staff_application_move",
    ),
    path("staff/notifications/", notifications.delivery_log, name="staff_notifications"),
    path(
        "staff/notifications/<int:pk>/retry/",
        notifications.retry,
        name="staff_notification_retry",
    ),
    path(
        "staff/notification-templates/",
        notification_templates.index,
        name="staff_notification_templates",
    ),
    path(
        "staff/notification-templates/<slug:slug>/<slug:event>/<slug:language>/",
        notification_templates.edit,
        name="staff_notification_template",
    ),
    path(
        "staff/notification-templates/<slug:slug>/<slug:event>/<slug:language>/reset/",
        notification_templates.reset,
        name="staff_notification_template_reset",
    ),
    path("applications/<str:receipt_number>/", apply.application_detail, name="application_detail"),
    *[
        path(f"staff/builder/{route}", view, name=f"builder{name}")
        for route, view, name in [
            ("", builder_procedures.index, ""),
            ("new/", builder_procedures.procedure_new, "_new"),
            ("<slug:slug>/", overview.form_overview, "_form"),
            ("<slug:slug>/details/", builder_procedures.procedure_edit, "_details"),
            ("<slug:slug>/settings/", overview.form_settings, "_settings"),
            ("<slug:slug>/pages/", pages.page_add, "_page_add"),
            ("<slug:slug>/pages/<slug:page_id>/", pages.page_detail, "_page"),
            (
                "<slug:slug>/pages/<slug:page_id>/conditions/",
                conditions.condition_add,
                "_condition_add",
            ),
            (
                "<slug:slug>/pages/<slug:page_id>/conditions/<int:position>/delete/",
                conditions.condition_delete,
                "_condition_delete",
            ),
            (
                "<slug:slug>/pages/<slug:page_id>/questions/",
                questions.question_edit,
                "_question_add",
            ),
            (
                "<slug:slug>/pages/<slug:page_id>/questions/<slug:question_id>/",
                questions.question_edit,
                "_question",
            ),
            (
                "<slug:slug>/pages/<slug:page_id>/questions/<slug:question_id>/<str:action>/",
                questions.question_action,
                "_question_action",
            ),
            ("<slug:slug>/pages/<slug:page_id>/<str:action>/", pages.page_action, "_page_action"),
            ("<slug:slug>/preview/", preview.preview, "_preview"),
            ("<slug:slug>/preview/<slug:page_id>/", preview.preview, "_preview_page"),
            ("<slug:slug>/publish/", publishing.publish, "_publish"),
            ("<slug:slug>/unpublish/", publishing.unpublish, "_unpublish"),
            ("<slug:slug>/import/", transfer.import_json, "_import"),
            ("<slug:slug>/export/", transfer.export_json, "_export"),
        ]
    ],
]
