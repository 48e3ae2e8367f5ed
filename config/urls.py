"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

handler400 = "api.middleware.bad_request"  # /api/ answers in the error contract, other paths as Django does
handler500 = "api.middleware.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]
