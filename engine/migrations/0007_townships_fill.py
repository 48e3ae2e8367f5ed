"""Existing rows get their township: a case the township of its organization; an assignment the
township of its post; objections, accountability records and complaints their case's township; a
complaint without a case the only township there is (with several, it cannot be guessed: refuse)."""

from django.db import migrations


def _township_id(organizations, pk):
    node = organizations.get(pk)
    while node is not None and node["kind"] != "township":
        node = organizations.get(node["parent_id"])
    return node["id"] if node is not None else None


def fill(apps, schema_editor):
    Organization = apps.get_model("engine", "Organization")
    organizations = {o["id"]: o for o in Organization.objects.values("id", "kind", "parent_id")}
    Case = apps.get_model("engine", "Case")
    for case in Case.objects.filter(township__isnull=True).only("pk", "organization_id"):
        township_id = _township_id(organizations, case.organization_id)
        if township_id is None:
            raise RuntimeError(f"case {case.pk}: its organization is in no township; attach it to one first")
        Case.objects.filter(pk=case.pk).update(township_id=township_id)
    Assignment = apps.get_model("engine", "Assignment")
    for assignment in Assignment.objects.all().only("pk", "organization_id"):
        Assignment.objects.filter(pk=assignment.pk).update(
            township_id=_township_id(organizations, assignment.organization_id)
        )
    for model in ("ObjectionReceipt", "AccountabilityRecord", "Complaint"):
        rows = apps.get_model("engine", model).objects.filter(township__isnull=True, case__isnull=False)
        for row in rows.select_related("case"):
            type(row).objects.filter(pk=row.pk).update(township_id=row.case.township_id)
    Complaint = apps.get_model("engine", "Complaint")
    orphans = Complaint.objects.filter(township__isnull=True)
    if orphans.exists():
        townships = [pk for pk, o in organizations.items() if o["kind"] == "township"]
        if len(townships) != 1:
            raise RuntimeError("complaints without a case and several townships: set their township first")
        orphans.update(township_id=townships[0])


class Migration(migrations.Migration):
    dependencies = [("engine", "0006_townships")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
