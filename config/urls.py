"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

handler400 = "api.middleware.bad_request"  # /api/ answers in the error contract, other paths as Django does
handler500 = "web.views.errors.server_error"  # /api/: api.middleware.server_error; pages: the site's own 500

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]

handler403 = "web.views.errors.forbidden"
handler404 = "web.views.errors.not_found"
