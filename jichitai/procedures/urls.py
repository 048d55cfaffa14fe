from django.urls import path

from jichitai.procedures.views import (
    apply,
    back_office,
    catalogue,
    notification_templates,
    notifications,
)

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
    path("procedures/<slug:slug>/apply/<slug:page_id>/", apply.page, name="apply_page"),
    path("life-events/<slug:slug>/", catalogue.life_event_detail, name="life_event_detail"),
    path("applications/", apply.my_applications, name="my_applications"),
    path(
        "applications/<str:receipt_number>/correction/",
        apply.answer_correction,
        name="answer_correction",
    ),
    path("applications/<str:receipt_number>/withdraw/", apply.withdraw, name="withdraw"),
    path("staff/applications/", back_office.inbox, name="inbox"),
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
]
