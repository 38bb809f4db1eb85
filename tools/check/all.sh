#!/usr/bin/env bash
# npm run check: every check, in two lanes side by side (the compiler-bound ones, and the rest, which mostly
# wait on Docker), so the inner loop stays short on two cores. Each check's output is shown only if it fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

outputs=$(mktemp -d)
trap 'rm -rf "$outputs"' EXIT

# Runs the named checks one after another; stops at the first failure and prints its output.
lane() {
  local name
  for name in "$@"; do
    if ! run_check "$name" >"$outputs/$name" 2>&1; then
      echo "check: $name failed:" >&2
      cat "$outputs/$name" >&2
      return 1
    fi
    grep -h '^check:' "$outputs/$name" || true
  done
}

run_check() {
  case "$1" in
    types) npx tsc -p tsconfig.json --noEmit && npx tsc -p server/tsconfig.web.json --noEmit ;;
    lint) npx eslint --max-warnings 0 . ;;
    format) npx prettier --check --log-level warn . ;;
    unused) npx knip ;;
    shell | compose | nginx) bash "tools/check/$1.sh" ;;
  esac
}

lane types lint &
compiler=$!
lane format unused shell compose nginx &
rest=$!
status=0
wait "$compiler" || status=1
wait "$rest" || status=1
[ "$status" -eq 0 ] && echo "check: types, lint, format, unused, shell, compose and nginx all pass"
exit "$status"
