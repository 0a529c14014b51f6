#!/usr/bin/env bash
# Print the path of a Python interpreter for one of the project's environments.
#   find_python.sh bot   -> exactly Python 3.10 (Rasa Open Source 3.6 runs on nothing else)
#   find_python.sh api   -> Python 3.11 or newer
# Looks at $PYTHON310 / $PYTHON_API first, then PATH, then pyenv's versions (the pyenv shim
# for python3.10 fails when pyenv's global version is another one, so the versions folder is
# searched directly). Exits 1 with an explanation when nothing fits.
set -u
kind=${1:?usage: find_python.sh bot|api}

if [ "$kind" = bot ]; then
    check='import sys; sys.exit(sys.version_info[:2] != (3, 10))'
    wanted="Python 3.10"
    candidates=("${PYTHON310:-}" python3.10)
    patterns=("3.10.*")
else
    check='import sys; sys.exit(sys.version_info[:2] < (3, 11))'
    wanted="Python 3.11 or newer"
    candidates=("${PYTHON_API:-}" python3 python3.13 python3.12 python3.11)
    patterns=("3.13.*" "3.12.*" "3.11.*")
fi

pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for pattern in "${patterns[@]}"; do
    for dir in "$pyenv_root"/versions/$pattern; do
        [ -d "$dir" ] || continue
        for exe in "$dir"/bin/python3.[0-9]*; do
            case "$exe" in *-config) continue ;; esac
            candidates+=("$exe")
        done
    done
done

for candidate in "${candidates[@]}"; do
    [ -n "$candidate" ] || continue
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if "$path" -c "$check" >/dev/null 2>&1; then
        "$path" -c "import sys; print(sys.executable)"
        exit 0
    fi
done

{
    echo "error: no $wanted found for the $kind environment."
    echo "  Looked at: \$PYTHON310/\$PYTHON_API, PATH, and $pyenv_root/versions/."
    if [ "$kind" = bot ]; then
        echo "  Install it (e.g. 'pyenv install 3.10.13') or point to it: make PYTHON310=/path/to/python3.10 ..."
    else
        echo "  Install it or point to it: make PYTHON_API=/path/to/python3.11 ..."
    fi
} >&2
exit 1
