from django.urls import path

from jichitai.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/", views.organisation, name="organisation"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
