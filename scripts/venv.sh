# Sourced by scripts/run, scripts/test and scripts/mutate: create .venv if needed and install the given lock file
# (requirements*.txt, made by scripts/lock) into it, every package checked against its hash.
requirements="$1"
# Only the lock decides what is installed: a machine's pip configuration may add constraints, or wheel folders and
# indexes that offer a file of another build, which the hash check would then refuse.
export PIP_CONFIG_FILE=/dev/null
unset PIP_CONSTRAINT PIP_FIND_LINKS PIP_EXTRA_INDEX_URL
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Reinstall only when the locks changed since the last install.
stamp=".venv/.installed-$(basename "$requirements")"
if [ ! -f "$stamp" ] || ! cmp -s <(cat requirements*.txt) "$stamp"; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$requirements"
  cat requirements*.txt > "$stamp"
fi
source .venv/bin/activate
