import factory
from django.contrib.auth import get_user_model

from orgs import services
from orgs.models import Unit
from screening.models import ExpectedUnit

TEST_PASSWORD = "Test-pass-2026"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"单位{n}")
    code = factory.Sequence(lambda n: f"T{n:06d}")
    level = Unit.Level.TOWNSHIP
    kind = Unit.Kind.GOVERNMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    phone = "022-12345678"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(unit: Unit, role: str, **user_fields):
    """A new user holding ``role`` in ``unit``, with the grants the role implies."""
    user = UserFactory(**user_fields)
    services.membership_set(actor=None, user=user, unit=unit, role=role)
    return user


def expect(campaign, *units: Unit) -> None:
    """Put ``units`` on the campaign's list of units expected to report."""
    ExpectedUnit.objects.bulk_create(ExpectedUnit(campaign=campaign, unit=unit) for unit in units)
