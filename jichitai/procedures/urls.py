from django.urls import path

from jichitai.procedures import views

app_name = "procedures"

urlpatterns = [
    path("procedures/", views.catalogue, name="catalogue"),
    path("procedures/<slug:slug>/", views.procedure_detail, name="procedure_detail"),
    path("life-events/<slug:slug>/", views.life_event_detail, name="life_event_detail"),
]
