"""403, 404 and 500 in the site's layout, in words a person understands; never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from api.middleware import is_api
from api.middleware import server_error as api_server_error


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "web/error.html", {"status": status, "title": title, "text": text}, status=status)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 403, _("无权访问"), _("您的岗位不能打开这个页面。如需办理，请联系相应岗位的工作人员。"))


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 404, _("页面不存在"), _("没有找到您要的页面或案件，也可能您无权查看它。请从首页重新进入。"))


def server_error(request: HttpRequest) -> HttpResponse:
    """Under /api/ the API's error contract (JSON with a code); elsewhere the site's 500 page,
    rendered without context processors (the database may be what failed)."""
    if is_api(request):
        return api_server_error(request)
    html = loader.get_template("web/500.html").render({})
    return HttpResponse(html, status=500)
