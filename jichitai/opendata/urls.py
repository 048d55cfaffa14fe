from django.urls import path, re_path

from jichitai.opendata import (
    data_request_staff_views,
    data_request_views,
    staff_edit_views,
    staff_views,
    views,
)
from jichitai.opendata.ckan import views as ckan
from jichitai.opendata.dcat import views as dcat

app_name = "opendata"

urlpatterns = [
    path("data/", views.search, name="search"),
    # Before data/<name>/: "requests" is a reserved name (services.editing.RESERVED_NAMES).
    path("data/requests/", data_request_views.request_list, name="data_requests"),
    path("data/requests/new/", data_request_views.request_new, name="data_request_new"),
    path("data/requests/<int:request_id>/", data_request_views.request_detail, name="data_request"),
    path("data/<slug:name>/", views.dataset_detail, name="dataset"),
    path(
        "data/<slug:name>/resource/<uuid:resource_id>/",
        views.resource_detail,
        name="resource",
    ),
    # DCAT (ckanext-dcat's addresses): the paged catalogue, a data set by name or id, and the
    # URIs the documents name things by, which redirect to their pages.
    re_path(r"^catalog\.(?P<extension>jsonld|ttl)$", dcat.catalog, name="dcat_catalog"),
    path("catalog", dcat.catalog_uri, name="dcat_catalog_uri"),
    re_path(
        r"^dataset/(?P<reference>[A-Za-z0-9_-]{2,100})\.(?P<extension>jsonld|ttl)$",
        dcat.dataset,
        name="dcat_dataset",
    ),
    path("dataset/<uuid:dataset_id>", dcat.dataset_uri, name="dcat_dataset_uri"),
    path(
        "dataset/<uuid:dataset_id>/resource/<uuid:resource_id>",
        dcat.distribution_uri,
        name="dcat_distribution_uri",
    ),
    path("api/", ckan.api_version, name="api_version"),
    path("api/3/", ckan.api_version, {"version": 3}, name="api_version_3"),
    path("api/3/action/<str:name>", ckan.action, name="action"),
    path("api/action/<str:name>", ckan.action, name="action_unversioned"),
    path(
        "dataset/<uuid:dataset_id>/resource/<uuid:resource_id>/download/",
        views.resource_download,
        name="resource_download",
    ),
    path("staff/data/", staff_views.dataset_list, name="staff_datasets"),
    # Before staff/data/<name>/: "new" is a reserved name (services.editing.RESERVED_NAMES).
    path("staff/data/new/", staff_edit_views.dataset_new, name="staff_dataset_new"),
    # Likewise "requests" (the data request inbox).
    path("staff/data/requests/", data_request_staff_views.inbox, name="staff_data_requests"),
    path(
        "staff/data/requests/<int:request_id>/",
        data_request_staff_views.detail,
        name="staff_data_request",
    ),
    path(
        "staff/data/requests/<int:request_id>/answer/",
        data_request_staff_views.answer,
        name="staff_data_request_answer",
    ),
    path(
        "staff/data/requests/<int:request_id>/assign/",
        data_request_staff_views.assign,
        name="staff_data_request_assign",
    ),
    path("staff/data/<slug:name>/edit/", staff_edit_views.dataset_edit, name="staff_dataset_edit"),
    path(
        "staff/data/<slug:name>/publish/",
        staff_edit_views.dataset_publish,
        name="staff_dataset_publish",
    ),
    path(
        "staff/data/<slug:name>/unpublish/",
        staff_edit_views.dataset_unpublish,
        name="staff_dataset_unpublish",
    ),
    path(
        "staff/data/<slug:name>/delete/",
        staff_edit_views.dataset_delete,
        name="staff_dataset_delete",
    ),
    path(
        "staff/data/<slug:name>/resources/new/",
        staff_edit_views.resource_new,
        name="staff_resource_new",
    ),
    path(
        "staff/data/<slug:name>/resources/<uuid:resource_id>/edit/",
        staff_edit_views.resource_edit,
        name="staff_resource_edit",
    ),
    path(
        "staff/data/<slug:name>/resources/<uuid:resource_id>/move/",
        staff_edit_views.resource_move,
        name="staff_resource_move",
    ),
    path(
        "staff/data/<slug:name>/resources/<uuid:resource_id>/delete/",
        staff_edit_views.resource_delete,
        name="staff_resource_delete",
    ),
    path("staff/data/<slug:name>/", staff_views.dataset_detail, name="staff_dataset"),
    path(
        "staff/data/<slug:name>/resources/<uuid:resource_id>/upload/",
        staff_views.upload,
        name="staff_upload",
    ),
    path(
        "staff/data/<slug:name>/files/<int:file_id>/publish/",
        staff_views.publish,
        name="staff_publish",
    ),
    path(
        "staff/data/<slug:name>/files/<int:file_id>/clear/", staff_views.clear, name="staff_clear"
    ),
    path(
        "staff/data/<slug:name>/files/<int:file_id>/report.csv",
        staff_views.report_csv,
        name="staff_report",
    ),
]
