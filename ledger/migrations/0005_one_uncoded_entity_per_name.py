from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0004, whose moves of records leave PostgreSQL's deferred foreign-key checks pending until it commits.
    """

    dependencies = [
        ("ledger", "0004_entity_name_key"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="entity",
            constraint=models.UniqueConstraint(
                condition=models.Q(("credit_code__isnull", True)), fields=("name_key",),
                name="ledger_one_uncoded_entity_per_name",
            ),
        ),
    ]
