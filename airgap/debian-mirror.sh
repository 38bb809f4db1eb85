#!/usr/bin/env bash
# Print the Debian archive mirror URL this machine's apt is configured with,
# e.g. "http://<mirror>/debian" (no trailing slash).
#
# Why: the project's machines (developers' and CI) can reach Debian's package
# mirror but no container registry, and the mirror's host name must never be
# written into the repository. So every script that needs the mirror asks the
# machine at run time. $DEBIAN_MIRROR, when set, wins (handy for other hosts).
#
# Reads deb822 files (/etc/apt/sources.list.d/*.sources, "URIs:" lines) and the
# classic one-line format (/etc/apt/sources.list{,.d/*.list}, "deb [opts] URL
# suite comps"). Security and updates archives are skipped: they do not carry
# sid or trixie.
set -euo pipefail

if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
  printf '%s\n' "${DEBIAN_MIRROR%/}"
  exit 0
fi

# The first URI of an enabled "Types: deb" stanza whose suites are not only
# security/updates suites.
from_deb822() {
  awk '
    function flush() {
      if (uri != "" && types ~ /(^| )deb( |$)/ && enabled != "no" && plain) { print uri; found = 1; exit }
      uri = ""; types = ""; enabled = ""; plain = 0
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    tolower($1) == "types:"   { types = ""; for (i = 2; i <= NF; i++) types = types " " $i; sub(/^ /, "", types) }
    tolower($1) == "uris:"    { uri = $2 }
    tolower($1) == "enabled:" { enabled = tolower($2) }
    tolower($1) == "suites:"  { for (i = 2; i <= NF; i++) if ($i !~ /(-security|-updates|\/updates)$/) plain = 1 }
    END { if (!found) flush() }
  ' "$@" 2>/dev/null
}

# "deb [arch=amd64 signed-by=...] URL suite comp..." -> URL
from_one_line() {
  sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$@" 2>/dev/null |
    awk '$1 == "deb" && NF >= 3 && $3 !~ /(-security|-updates|\/updates)$/ { print $2; exit }'
}

shopt -s nullglob
uri=""
deb822=(/etc/apt/sources.list.d/*.sources)
((${#deb822[@]})) && uri=$(from_deb822 "${deb822[@]}")
if [[ -z "$uri" ]]; then
  one_line=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  existing=()
  for f in "${one_line[@]}"; do [[ -f "$f" ]] && existing+=("$f"); done
  ((${#existing[@]})) && uri=$(from_one_line "${existing[@]}")
fi

# Some sources use the "mirror+file:" or "cdrom:" methods; only plain http(s)
# URLs are usable by debootstrap and inside images.
if [[ ! "$uri" =~ ^https?:// ]]; then
  echo "debian-mirror: no http(s) Debian mirror found in the apt sources (${uri:-none}); set DEBIAN_MIRROR" >&2
  exit 1
fi
printf '%s\n' "${uri%/}"
