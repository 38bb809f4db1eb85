#!/bin/sh
# Run by the NGINX image's entrypoint before NGINX starts (mounted as /docker-entrypoint.d/30-tls.sh, after the
# templates are rendered). Checks the HTTPS settings and the certificate and key NGINX is about to load: a bad one
# stops the start with one line naming the variable or file. Then watches them, and reloads NGINX (graceful: no
# request dropped) when they are replaced and load. docs/https.md.
set -eu

cert=${TLS_CERTIFICATE:?}
key=${TLS_CERTIFICATE_KEY:?}

fail() {
  echo "tls: $*" >&2
  exit 1
}

case "${HTTPS_REDIRECT:-}" in on | off) ;; *) fail "HTTPS_REDIRECT must be on or off, not '${HTTPS_REDIRECT:-}'" ;; esac
case "${HSTS_MAX_AGE:-}" in
  '' | *[!0-9]*) fail "HSTS_MAX_AGE must be a number of seconds (0: no HSTS header), not '${HSTS_MAX_AGE:-}'" ;;
esac
case "${HTTPS_PORT:-}" in
  '' | *[!0-9]*) fail "HTTPS_PORT must be a port number, not '${HTTPS_PORT:-}'" ;;
esac
case "${TLS_WATCH_SECONDS:-}" in
  '' | 0 | *[!0-9]*) fail "TLS_WATCH_SECONDS must be a whole number of seconds above 0, not '${TLS_WATCH_SECONDS:-}'" ;;
esac

# The certs service writes them as NGINX starts (compose starts it first but does not wait for it): 30 s at most.
for _ in $(seq 1 30); do
  [ -e "$cert" ] && [ -e "$key" ] && break
  sleep 1
done
for file in "$cert" "$key"; do
  [ -e "$file" ] || [ ! -x "$(dirname "$file")" ] ||
    fail "$file is missing (the certs service makes it: docker compose logs certs)"
  [ -e "$file" ] || fail "$file: its directory is not readable by NGINX's user (uid $(id -u)): chmod it"
  [ -r "$file" ] || fail "$file is not readable by NGINX's user (uid $(id -u)): chown or chmod it"
done
openssl x509 -noout -in "$cert" 2>/dev/null || fail "$cert is not a PEM certificate"
openssl pkey -noout -in "$key" -passin pass: 2>/dev/null || fail "$key is not an unencrypted PEM private key"
[ "$(openssl x509 -noout -pubkey -in "$cert")" = "$(openssl pkey -pubout -in "$key")" ] ||
  fail "$key does not match $cert (they are not one key pair)"
openssl x509 -noout -checkend 0 -in "$cert" >/dev/null ||
  echo "tls: warning: $cert has expired ($(openssl x509 -noout -enddate -in "$cert"))" >&2

# Every TLS_WATCH_SECONDS: a new certificate or key that loads (nginx -t) is picked up by a graceful reload.
watch() {
  loaded=$(cat "$cert" "$key")
  while sleep "$TLS_WATCH_SECONDS"; do
    current=$(cat "$cert" "$key" 2>/dev/null) || continue
    [ "$current" = "$loaded" ] && continue
    if problem=$(nginx -t -q 2>&1) && nginx -s reload; then
      loaded=$current
      echo "tls: certificate replaced, NGINX reloaded: $(openssl x509 -noout -enddate -in "$cert")"
    else
      echo "tls: the new certificate or key does not load, the current one stays: $problem" >&2
    fi
  done
}
watch </dev/null &
