from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from config.api import api
from config.crawlers import SITEMAPS, robots_txt

urlpatterns = [
    # First: Django tries patterns in order, and an API call (a surge of applications comes
    # through here) should not be matched against every page's pattern before its own.
    path("api/v1/", api.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        require_safe(sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("jichitai.core.urls")),
    path("", include("jichitai.accounts.urls")),
    path("", include("jichitai.procedures.urls")),
    path("", include("jichitai.opendata.urls")),
    path("staff/", include("jichitai.governance.urls")),
]

handler400 = "jichitai.core.views.bad_request"
handler403 = "jichitai.core.views.permission_denied"
handler404 = "jichitai.core.views.page_not_found"
handler500 = "jichitai.core.views.server_error"
