"""The organisation of the synthetic province: counties added under the demo city, each with its office, leading group,
departments and townships, one account per reporting unit and one for the county office, and the campaign's list of
units expected to report. A few hundred rows, written through the services as an admin would (the users in one bulk
insert: hashing the demo password once, not once per account)."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from orgs import services as org_services
from orgs.demo import DEMO_PASSWORD
from orgs.models import LeadingGroup, Membership, Unit
from screening import services as screening_services
from screening.models import Campaign

User = get_user_model()

DEPARTMENTS = ["市场监管局", "金融服务中心", "教育局"]
COUNTY_NAMES = "甲乙丙丁戊己庚辛壬癸"
TOWNSHIP_SUFFIXES = ["街道", "镇", "乡"]


def county_code(index: int) -> str:
    # 1290xx: not a real division code of Tianjin (1201xx), so the synthetic counties never meet the demo's.
    return f"1290{index + 1:02d}"


@dataclass
class SyntheticCounty:
    county: Unit
    office: Unit
    office_user: User | None = None
    townships: list[Unit] = field(default_factory=list)
    departments: list[Unit] = field(default_factory=list)
    staff: dict[int, User] = field(default_factory=dict)  # reporting unit id → its staff account

    @property
    def reporting(self) -> list[Unit]:
        return self.townships + self.departments


def county_exists(index: int = 0) -> bool:
    return Unit.objects.filter(code=county_code(index)).exists()


def build_organisation(*, campaign: Campaign, counties: int, townships_per_county: int) -> list[SyntheticCounty]:
    city = campaign.scope_unit
    built = []
    for index in range(counties):
        code = county_code(index)
        name = f"{COUNTY_NAMES[index % len(COUNTY_NAMES)]}{index // len(COUNTY_NAMES) + 1}区"
        county = _unit(code, name, Unit.Level.COUNTY, Unit.Kind.GOVERNMENT, city)
        office = _unit(f"{code}-BGS", f"{name}处非办", Unit.Level.COUNTY, Unit.Kind.OFFICE, county)
        departments = [
            _unit(f"{code}-D{n + 1:02d}", f"{name}{dept}", Unit.Level.COUNTY, Unit.Kind.DEPARTMENT, county)
            for n, dept in enumerate(DEPARTMENTS)
        ]
        townships = [
            _unit(f"{code}{n + 1:03d}", f"{name}第{n + 1}{TOWNSHIP_SUFFIXES[n % 3]}", Unit.Level.TOWNSHIP,
                  Unit.Kind.GOVERNMENT, county)
            for n in range(townships_per_county)
        ]
        group = LeadingGroup.objects.create(government=county, office=office)
        group.members.set(departments)
        built.append(SyntheticCounty(county, office, townships=townships, departments=departments))
    _accounts(built)
    screening_services.expected_units_add(
        actor=None, campaign=campaign, units=[unit for county in built for unit in county.reporting]
    )
    return built


def _unit(code: str, name: str, level: str, kind: str, parent: Unit) -> Unit:
    return org_services.unit_save(actor=None, unit=Unit(code=code, name=name, level=level, kind=kind, parent=parent))


def office_username(county: Unit) -> str:
    return f"office_{county.code}"


def staff_username(unit: Unit) -> str:
    return f"staff_{unit.code}".replace("-", "_").lower()


def _accounts(built: list[SyntheticCounty]) -> None:
    password = make_password(DEMO_PASSWORD)
    wanted = []  # (user, unit, role, county)
    for county in built:
        wanted.append((User(username=office_username(county.county), full_name=f"{county.county.name}处非办",
                            password=password), county.office, Membership.Role.OFFICE, county))
        for unit in county.reporting:
            wanted.append((User(username=staff_username(unit), full_name=f"{unit.name}填报员", password=password),
                           unit, Membership.Role.STAFF, county))
    User.objects.bulk_create([user for user, *_rest in wanted])  # sets their keys (RETURNING)
    for user, unit, role, county in wanted:
        org_services.membership_set(actor=None, user=user, unit=unit, role=role)
        if role == Membership.Role.OFFICE:
            county.office_user = user
        else:
            county.staff[unit.pk] = user
