"""Replace the sdist hashes of the named packages in a hash-pinned lock by the hashes of the wheels built from them.

    python scripts/lock_built_wheels.py LOCK WHEEL_DIR PACKAGE...

scripts/bundle builds those wheels from sdists that pip has already checked against the lock, so the lock the site
installs from still pins every file it receives.
"""

import hashlib
import re
import sys
from pathlib import Path


def normalised(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_hash(wheel_dir, name, version):
    wheels = [
        path
        for path in Path(wheel_dir).glob("*.whl")
        if normalised(path.name.split("-")[0]) == name and path.name.split("-")[1] == version
    ]
    if len(wheels) != 1:
        sys.exit(f"expected one wheel of {name}=={version} in {wheel_dir}, found {len(wheels)}")
    return hashlib.sha256(wheels[0].read_bytes()).hexdigest()


def relock(lock_text, wheel_dir, packages):
    out, skipping, found = [], False, set()
    for line in lock_text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", line)
        if match and normalised(match[1]) in packages:
            name, version = normalised(match[1]), match[2]
            out.append(f"{match[1]}=={version} --hash=sha256:{wheel_hash(wheel_dir, name, version)}")
            found.add(name)
            skipping = True
            continue
        if skipping and line.lstrip().startswith("--hash="):
            continue
        skipping = False
        out.append(line)
    missing = packages - found
    if missing:
        sys.exit(f"not in the lock: {', '.join(sorted(missing))}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    lock, wheel_dir, *names = sys.argv[1:]
    path = Path(lock)
    path.write_text(relock(path.read_text(), wheel_dir, {normalised(name) for name in names}))
