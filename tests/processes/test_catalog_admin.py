"""Admin pages of the catalog render for an administrator."""

import pytest
from django.urls import reverse

from processes.models import Category, Power, Responsibility, RiskPoint

pytestmark = pytest.mark.django_db


def test_power_list_shows_every_active_power(loaded, admin_client):
    response = admin_client.get(reverse("admin:processes_power_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "XK-01" in page
    assert "QT-05" in page
    assert "权力清单" in page


def test_power_list_filters_by_category(loaded, admin_client):
    response = admin_client.get(reverse("admin:processes_power_changelist"), {"category__code__exact": "CF"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "CF-01" in page
    assert "CF-04" in page
    assert "XK-01" not in page


def test_power_list_searches_by_name(loaded, admin_client):
    response = admin_client.get(reverse("admin:processes_power_changelist"), {"q": "宅基地"})
    page = response.content.decode()
    assert "XK-01" in page
    assert "JF-01" not in page


def test_power_detail_shows_legal_bases_and_risk_points_inline(loaded, admin_client):
    power = Power.objects.get(code="XK-01")
    response = admin_client.get(reverse("admin:processes_power_change", args=[power.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "中华人民共和国土地管理法（2019修正）" in page
    assert "违反“一户一宅”和面积标准审批" in page


@pytest.mark.parametrize("model", [Category, Responsibility, RiskPoint])
def test_other_catalog_pages_render(loaded, admin_client, model):
    opts = model._meta
    listing = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    detail = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[model.objects.first().pk])
    )
    assert (listing.status_code, detail.status_code) == (200, 200)


def test_list_membership_is_not_editable_in_the_admin(loaded, admin_client):
    power = Power.objects.get(code="XK-01")
    page = admin_client.get(reverse("admin:processes_power_change", args=[power.pk])).content.decode()
    assert 'name="is_active"' not in page
    assert 'name="promised_limit_value"' in page
