from django.db import migrations

# The words of seed 003's 扫楼 screening; the admin can add or switch off words later.
DEFAULT_KEYWORDS = (
    "金融", "资产管理", "理财", "基金", "投资管理", "财富管理", "股权投资", "网贷", "网络借贷", "众筹", "支付", "小额贷款",
)


def add_keywords(apps, schema_editor):
    FlagKeyword = apps.get_model("ledger", "FlagKeyword")
    for word in DEFAULT_KEYWORDS:
        FlagKeyword.objects.get_or_create(word=word)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(add_keywords, migrations.RunPython.noop)]
