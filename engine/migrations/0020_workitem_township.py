"""Work items carry their case's township, so an inbox reads one township's tasks in its order
instead of skipping every other township's. This step adds and fills the column; the next makes it
required (a separate transaction: PostgreSQL will not alter a table with pending trigger events)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_townships(apps, schema_editor):
    WorkItem = apps.get_model("engine", "WorkItem")
    Case = apps.get_model("engine", "Case")
    WorkItem.objects.update(
        township_id=models.Subquery(Case.objects.filter(pk=models.OuterRef("case_id")).values("township_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("engine", "0019_idempotency_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="workitem",
            name="township",
            field=models.ForeignKey(
                editable=False, null=True, limit_choices_to={"kind": "township"},
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="engine.organization",
                verbose_name="所属乡镇",
            ),  # fmt: skip
        ),
        migrations.RunPython(fill_townships, migrations.RunPython.noop),
    ]
