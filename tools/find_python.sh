#!/bin/sh
# Print the path of a Python that can create this book's virtual environment, or say
# which interpreters were found, which version is needed and how to get one (exit 1).
#
#   sh tools/find_python.sh                         # tries python3.11, then python3
#   sh tools/find_python.sh /opt/py/bin/python3.11  # tries only the ones given
#
# Needed: CPython 3.11, at least 3.11.2 (Debian 12's /usr/bin/python3), with its venv
# module (Debian ships it separately as python3.11-venv). requirements.txt pins exact
# versions for 3.11; other minor versions are not supported.
NEED="CPython 3.11 (3.11.2 or a newer 3.11.x) with its venv module"
CHECK='import platform, sys
v = sys.version_info
ok = platform.python_implementation() == "CPython" and v[:2] == (3, 11) and v[2] >= 2
try:
    import ensurepip, venv  # Debian: package python3.11-venv
    has_venv = True
except ImportError:
    has_venv = False
print(platform.python_implementation(), platform.python_version(),
      "ok" if ok else "bad-version", "venv" if has_venv else "no-venv")'

if [ "$#" -eq 0 ]; then set -- python3.11 python3; fi
found=""
for cand in "$@"; do
  if ! path=$(command -v "$cand" 2>/dev/null); then
    found="$found
  $cand: not found"
    continue
  fi
  label="$cand"
  if [ "$path" != "$cand" ]; then label="$cand ($path)"; fi
  if ! info=$("$path" -c "$CHECK" 2>/dev/null); then
    found="$found
  $label: does not run"
    continue
  fi
  read -r impl version verdict venv <<EOF
$info
EOF
  case "$verdict $venv" in
    "ok venv")
      echo "$path"
      exit 0 ;;
    "ok no-venv")
      found="$found
  $label: $impl $version, but without its venv module" ;;
    *)
      found="$found
  $label: $impl $version" ;;
  esac
done

cat >&2 <<EOF
No suitable Python to create .venv. Found:$found
Needed: $NEED.
Get one:
  Debian 12, Ubuntu:  apt-get install python3.11 python3.11-venv   (as root or with sudo)
  any system:         pyenv install 3.11 && pyenv local 3.11       (https://github.com/pyenv/pyenv)
or name one:          make book PYTHON=/path/to/python3.11
EOF
exit 1
