import os
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command

from orgs.models import Unit, User
from orgs import permissions
from orgs.permissions import Perm

def test_demo_has_a_city_with_three_counties_and_a_built_out_county(db, debug_on):
    call_command("load_demo", stdout=StringIO())
    city = Unit.objects.get(code="120000")
    counties = Unit.objects.filter(parent=city, level=Unit.Level.COUNTY)
    assert counties.count() >= 3
    baodi = Unit.objects.get(code="120115")
    townships = Unit.objects.filter(parent=baodi, level=Unit.Level.TOWNSHIP)
    assert townships.count() >= 5
    assert all(Unit.objects.filter(parent=t, level=Unit.Level.VILLAGE).exists() for t in townships)
    group = baodi.leading_group
    assert group.office.kind == Unit.Kind.OFFICE and group.office_director == "何立新"
    assert [p.person_name for p in group.posts.all()] == ["毛劲松", "边荣海", "张守利", "陈忠杰"]
    assert list(group.coordination_groups.values_list("name", flat=True)) == [
        "宣传教育", "监测预警", "案件侦办", "执行处置", "信访维稳",
    ]
    assert group.members.filter(name="区市场监管局").exists()


def test_demo_users_hold_what_their_roles_say(db, debug_on):
    call_command("load_demo", stdout=StringIO())
    office = User.objects.get(username="county_office")
    assert permissions.units(office, Perm.REVIEW).filter(code="120115001001").exists()
    assert not permissions.units(office, Perm.VIEW).filter(code="120114").exists()
    staff = User.objects.get(username="township_staff")
    assert set(permissions.units(staff, Perm.ENTER).values_list("level", flat=True)) == {"township", "village"}
    assert User.objects.get(username="township_staff").check_password("Demo@2026")


def test_units_command_prints_code_level_kind_name(db, debug_on):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("units", "--under", "120115001", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "120115001\ttownship\tgovernment\t宝平街道"
    assert "120115001001\tvillage\tgovernment\t城关社区" in lines
    assert all(len(line.split("\t")) == 4 for line in lines)
    assert not any(line.startswith("120115002") for line in lines)
    everything = StringIO()
    call_command("units", stdout=everything)
    assert len(everything.getvalue().splitlines()) == Unit.objects.count()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "production-Secret-for-the-deploy-check-9f3a7c21e8b4d605",
        "ALLOWED_HOSTS": "fxjz.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
