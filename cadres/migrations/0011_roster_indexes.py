# The indexes of the derived columns, in a migration of their own: on PostgreSQL an index cannot
# be built in the transaction that just filled the columns (its deferred triggers are pending).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0010_roster_derived_columns"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(
                fields=[
                    "status",
                    "unit_path",
                    "position_order",
                    "full_name",
                    "id",
                    "gender",
                    "age_limit",
                    "birth_date",
                    "below_standard",
                ],
                name="cadre_roster",
            ),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(fields=["status", "full_name", "id"], name="cadre_by_name"),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(fields=["status", "age_limit", "birth_date"], name="cadre_age_limit"),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(
                condition=models.Q(("below_standard", True)),
                fields=["status", "unit_path"],
                name="cadre_below_std",
            ),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(fields=["updated_at"], name="cadre_updated_at"),
        ),
    ]
