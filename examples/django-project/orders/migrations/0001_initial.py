from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []  # noqa: RUF012 (Django's migration API)

    operations = [  # noqa: RUF012
        migrations.CreateModel(
            name="Order",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order_id", models.CharField(max_length=40, unique=True)),
                ("payload", models.JSONField()),
                ("task_uuid", models.CharField(blank=True, db_index=True, max_length=36)),
                ("status", models.CharField(default="received", max_length=20)),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
