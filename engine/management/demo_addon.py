"""The shape of the demo add-on commands (seed_institutions, seed_public): run after seed_demo,
in demo mode only, on the demo township, in one transaction, printing one line per thing made."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engine import clock
from engine.models import Organization

TOWNSHIP_CODE = "township"  # the demo township (seed_demo)


class DemoAddOnCommand(BaseCommand):
    """Subclasses name the demo users they need and the seeding function; `line` prints one result."""

    usernames: Sequence[str] = ()
    seed: Callable[[dict[str, Any], Organization, datetime], Iterable[Any]]

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="DEBUG 关闭时也运行")

    def line(self, made: Any) -> str:
        return str(made)

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("演示数据：DEBUG 关闭时拒绝运行（确需运行请加 --allow-production）")
        township = Organization.objects.filter(code=TOWNSHIP_CODE, kind=Organization.Kind.TOWNSHIP).first()
        if township is None:
            raise CommandError("请先运行 manage.py seed_demo")
        users = {u.username: u for u in get_user_model().objects.filter(username__in=list(self.usernames))}
        with transaction.atomic():
            made = type(self).seed(users, township, clock.now())
        for item in made:
            self.stdout.write(f"  {self.line(item)}")
