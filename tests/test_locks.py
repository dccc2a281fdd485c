"""Every install reads a lock (issue 16): requirements*.txt, made from requirements*.in by scripts/lock, pin every
package, transitive ones included, with the hashes of its files, and nothing installs past them."""

import re
from importlib import metadata
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCKS = {"requirements.in": "requirements.txt", "requirements-dev.in": "requirements-dev.txt",
         "requirements-mutate.in": "requirements-mutate.txt"}
PINNED = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """Package: (version, hashes) of a lock file."""
    found, current = {}, None
    for raw in (ROOT / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            assert current, f"{name}: a hash before any package"
            found[current][1].append(line.removeprefix("--hash=").rstrip(" \\"))
            continue
        match = PINNED.match(line)
        assert match, f"{name}: not a pinned package: {line}"
        current = normal(match[1])
        found[current] = (match[2], [])
    return found


def pins(name: str) -> dict[str, str]:
    """What an .in file (and the .in files it reads with -r) pins."""
    found = {}
    for raw in (ROOT / name).read_text().splitlines():
        line = raw.split("#")[0].strip()
        if line.startswith("-r "):
            found |= pins(line.removeprefix("-r ").strip())
        elif line and not line.startswith("-"):
            match = PINNED.match(line)
            assert match, f"{name}: pin every requirement: {line}"
            found[normal(match[1])] = match[2]
    return found


def test_every_package_of_every_lock_is_pinned_with_the_hashes_of_its_files():
    for name in LOCKS.values():
        packages = lock(name)
        assert len(packages) > 10, name
        unhashed = [package for package, (_, hashes) in packages.items() if not hashes]
        assert unhashed == [], f"{name}: no hash for {unhashed}"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for _, hashes in packages.values() for h in hashes)


def test_each_lock_holds_what_its_in_file_pins():
    for source, locked in LOCKS.items():
        packages = lock(locked)
        wrong = {package: (version, packages.get(package, ("missing",))[0])
                 for package, version in pins(source).items() if packages.get(package, ("",))[0] != version}
        assert wrong == {}, f"{locked} is stale against {source}: run bash scripts/lock"


def test_the_test_locks_keep_the_runtime_versions_and_files():
    runtime = lock("requirements.txt")
    for name in ("requirements-dev.txt", "requirements-mutate.txt"):
        packages = lock(name)
        assert {package: packages.get(package) for package in runtime} == runtime, name


def test_this_environment_is_the_test_lock():
    # scripts/test installs it with its hashes; a package upgraded by hand would make a run that no install repeats.
    wrong = {package: (version, metadata.version(package)) for package, (version, _) in
             lock("requirements-dev.txt").items() if metadata.version(package) != version}
    assert wrong == {}


def test_every_install_reads_a_lock_and_checks_its_hashes():
    venv = (ROOT / "scripts" / "venv.sh").read_text()
    assert 'pip install --quiet --disable-pip-version-check --require-hashes -r "$requirements"' in venv
    for script, locked in (("run", "requirements.txt"), ("test", "requirements-dev.txt"),
                           ("mutate", "requirements-mutate.txt")):
        assert f"source scripts/venv.sh {locked}\n" in (ROOT / "scripts" / script).read_text(), script
    assert "RUN pip install --no-cache-dir --require-hashes -r requirements.txt\n" in (ROOT / "Dockerfile").read_text()
    install = (ROOT / "deploy" / "install.sh").read_text()
    assert "pip install --quiet --no-index --find-links wheels/ --require-hashes -r requirements.txt\n" in install
    bundle = (ROOT / "scripts" / "bundle").read_text()
    assert "pip download --quiet --dest \"$stage/wheels\" --require-hashes --no-deps --only-binary=:all:" in bundle
