from django.db import IntegrityError, migrations, models, transaction

from ledger.validators import normalise_name

BATCH = 500


def fill_name_keys(apps, schema_editor):
    """Every entity gets the key of its name; entities without a code that share a key (left by imports that ran at
    the same moment) become the oldest of them, their screening records and clues moved to it."""
    Entity = apps.get_model("ledger", "Entity")
    keyed, first_of_key, duplicates = [], {}, {}
    for entity in Entity.objects.order_by("pk").iterator(chunk_size=BATCH):
        entity.name_key = normalise_name(entity.name)
        keyed.append(entity)
        if entity.credit_code is None:
            first = first_of_key.setdefault(entity.name_key, entity)
            if first is not entity:
                duplicates.setdefault(first, []).append(entity.pk)
    for kept, others in duplicates.items():
        _merge(apps, kept, others)
    merged = {pk for others in duplicates.values() for pk in others}
    Entity.objects.bulk_update([e for e in keyed if e.pk not in merged], ["name_key"], batch_size=BATCH)


def _merge(apps, kept, others: list[int]) -> None:
    try:
        with transaction.atomic():
            for model in ("ScreeningRecord", "Clue"):
                apps.get_model("ledger", model).objects.filter(entity_id__in=others).update(entity_id=kept.pk)
    except IntegrityError:
        raise RuntimeError(
            f"The entities {[kept.pk, *others]} have no credit code and the same name “{kept.name}”, and one unit "
            "screened more than one of them in the same sector: merge those clues and records by hand, then migrate."
        ) from None
    apps.get_model("ledger", "Entity").objects.filter(pk__in=others).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0003_workbench"),
    ]

    operations = [
        migrations.AddField(
            model_name="entity",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
