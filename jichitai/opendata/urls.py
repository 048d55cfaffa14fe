from django.urls import path

from jichitai.opendata import staff_views, views
from jichitai.opendata.ckan import views as ckan

app_name = "opendata"

urlpatterns = [
    path("data/", views.search, name="search"),
    path("data/<slug:name>/", views.dataset_detail, name="dataset"),
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
