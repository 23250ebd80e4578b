from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.health import healthz
from apps.core.tiles import tile
from apps.core.views import AccessLogList, access_log_purge, notification_list, notification_read
from apps.stations.views import home

admin.site.site_header = _("Police station workbench · administration")
admin.site.site_title = _("Police station workbench")
admin.site.index_title = _("Organisation, users and records of your sub-bureau")

api_v1 = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.stations.api.urls")),
    path("", include("apps.registry.api.urls")),
    path("", include("apps.core.api.urls")),
    path("", include("apps.cases.api.urls")),
    path("", include("apps.permits.api.urls")),
    path("", include("apps.mediation.api.urls")),
    path("", include("apps.noise.api.urls")),
    path("", include("apps.patrols.api.urls")),
    path("", include("apps.stats.api.urls")),
    path("", include("apps.places.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("tiles/<int:z>/<int:x>/<int:y>.<str:ext>", tile, name="map_tile"),
    path("accounts/", include("apps.accounts.urls")),
    path("org/", include("apps.stations.urls")),
    path("registry/", include("apps.registry.urls")),
    path("cases/", include("apps.cases.urls")),
    path("", include("apps.permits.urls")),  # /permits/, /apply/ and /verify/<token>
    path("mediation/", include("apps.mediation.urls")),
    path("noise/", include("apps.noise.urls")),
    path("patrols/", include("apps.patrols.urls")),
    path("stats/", include("apps.stats.urls")),
    path("audit/access/", AccessLogList.as_view(), name="accesslog_list"),
    path("audit/access/purge/", access_log_purge, name="accesslog_purge"),
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/read/", notification_read, name="notification_read"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file: the Content-Security-Policy allows no inline one.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "apps.core.handlers.bad_request"
handler403 = "apps.core.handlers.permission_denied"
handler404 = "apps.core.handlers.page_not_found"
handler500 = "apps.core.handlers.server_error"
