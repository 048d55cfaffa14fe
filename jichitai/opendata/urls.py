from django.urls import path

from jichitai.opendata import views
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
]
