"""The home page (where each kind of user goes, the demo users) and session login/logout."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engine.management.commands.seed_demo import USERS, demo_password
from engine.models import Assignment


def demo_users() -> list[dict[str, str]]:
    """The demo township's users, when seed_demo has made them (it runs only in demo mode)."""
    existing = set(get_user_model().objects.filter(username__in=[u for u, _n, _p in USERS]).values_list("username", flat=True))
    if not existing:
        return []
    posts: dict[str, list[str]] = {}
    for username, position in (
        Assignment.objects.filter(user__username__in=existing)
        .order_by("position__name")
        .values_list("user__username", "position__name")
        .distinct()
    ):
        posts.setdefault(username, []).append(position)
    return [
        {"username": u, "name": name, "password": demo_password(u), "posts": "、".join(dict.fromkeys(posts.get(u, [])))}
        for u, name, _p in USERS
        if u in existing
    ]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"demo_users": demo_users()})


class LoginPage(LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutPage(LogoutView):
    pass
