"""Work items' township is required, and the inbox indexes (a lane's pool, the inbox order) start
with it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engine", "0020_workitem_township"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workitem",
            name="township",
            field=models.ForeignKey(
                editable=False, limit_choices_to={"kind": "township"},
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="engine.organization",
                verbose_name="所属乡镇",
            ),  # fmt: skip
        ),
        migrations.RemoveIndex(model_name="workitem", name="workitem_lane_pool"),
        migrations.AddIndex(
            model_name="workitem",
            index=models.Index(fields=["township", "lane", "claimed_by", "member"], name="workitem_lane_pool"),
        ),
        migrations.RemoveIndex(model_name="workitem", name="workitem_inbox_order"),
        migrations.AddIndex(
            model_name="workitem",
            index=models.Index(fields=["township", "due_at", "created_at", "id"], name="workitem_inbox_order"),
        ),
    ]
