#!/usr/bin/env bash
# Runs shellcheck on every shell script in the repository: files named *.sh and files whose first line runs a shell.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v shellcheck >/dev/null || { echo "check:shell: shellcheck is missing: apt-get install -y shellcheck" >&2; exit 1; }

scripts=()
while IFS= read -r file; do
  [ -f "$file" ] || continue
  case "$file" in
    *.sh) scripts+=("$file") ;;
    *) head -n1 "$file" | grep -qE '^#!.*\b(ba|da)?sh\b' && scripts+=("$file") ;;
  esac
done < <(git ls-files --cached --others --exclude-standard)

shellcheck --external-sources "${scripts[@]}"
echo "check:shell: ${#scripts[@]} scripts pass shellcheck"
