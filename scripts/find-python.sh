#!/usr/bin/env bash
# Print the path of a Python interpreter of the given minor version (e.g. 3.10), or of the
# given minimum version with "+" (e.g. 3.11+). Looks on PATH, then in pyenv's versions.
# Exits 1 with a message saying what to install when none is found.
set -euo pipefail
want="${1:?usage: find-python.sh 3.10 | 3.11+}"
minimum=false
if [[ "$want" == *+ ]]; then minimum=true; want="${want%+}"; fi

version_ok() {  # $1: interpreter
  "$1" - "$want" "$minimum" <<'PY' 2>/dev/null
import sys
want = tuple(int(x) for x in sys.argv[1].split("."))
minimum = sys.argv[2] == "true"
have = sys.version_info[:2]
sys.exit(0 if (have >= want if minimum else have == want) else 1)
PY
}

candidates=()
if $minimum; then
  for minor in 13 12 11; do candidates+=("python3.$minor"); done
  candidates+=(python3)
else
  candidates+=("python$want")
fi
for c in "${candidates[@]}"; do
  if path=$(command -v "$c" 2>/dev/null) && version_ok "$path"; then echo "$path"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  pattern="^${want//./\\.}"
  $minimum && pattern='^3\.(1[1-9])'
  for v in $(pyenv versions --bare 2>/dev/null | grep -E "${pattern}(\.[0-9]+)?$" | sort -V -r); do
    path="$(pyenv prefix "$v" 2>/dev/null)/bin/python"
    if [ -x "$path" ] && version_ok "$path"; then echo "$path"; exit 0; fi
  done
fi
if $minimum; then
  echo "error: Python $want or newer not found. Install it (e.g. 'apt-get install python3' on Debian 13, or 'pyenv install 3.11') and run make again." >&2
else
  echo "error: Python $want not found (needed by Rasa 3.6 in .venv-nlu). Install it with 'pyenv install $want' (or your system's python$want package) and run make again." >&2
fi
exit 1
