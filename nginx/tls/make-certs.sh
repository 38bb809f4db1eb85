#!/bin/sh
# The stack's local certificate authority, run by the `certs` service (docker-compose.yml) at every start and then
# every 12 hours (--keep-renewing). First run: makes a CA and a certificate for localhost, 127.0.0.1, ::1 and
# TLS_HOSTNAMES. Later runs keep them, and renew the certificate when it expires within 30 days, when TLS_HOSTNAMES
# changed, or when the CA was renewed; NGINX picks a new one up (check-certs.sh). Needs only openssl (in the NGINX
# image); no network. docs/https.md.
set -eu

# The CA's key stays in this service's own volume: NGINX never sees it.
ca_dir=/ca
# What NGINX mounts, read-only: cert.pem, key.pem (readable by NGINX's user only) and ca.pem (public).
out_dir=/tls
nginx_uid=101
renew_within=$((30 * 24 * 3600))
# TLS_CERT_DAYS: the certificate's validity; 397 by default, the longest browsers accept for a server certificate.
leaf_days=${TLS_CERT_DAYS:-397}
ca_days=3650

fail() {
  echo "certs: $*" >&2
  exit 1
}

case "$leaf_days" in
  '' | 0 | *[!0-9]*) fail "TLS_CERT_DAYS must be a whole number of days from 1 to 397, not '$leaf_days'" ;;
esac
[ "$leaf_days" -le 397 ] || fail "TLS_CERT_DAYS must be a whole number of days from 1 to 397, not '$leaf_days'"

# subjectAltName for localhost, the loopback addresses and each name in TLS_HOSTNAMES (comma or space separated).
san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in $(printf '%s' "${TLS_HOSTNAMES:-}" | tr ',' ' '); do
  case "$name" in
    *[!A-Za-z0-9.:*-]*) fail "TLS_HOSTNAMES: '$name' is neither a host name nor an IP address" ;;
    *:* | *[0-9]) case "$name" in *[!0-9a-fA-F.:]*) san="$san,DNS:$name" ;; *) san="$san,IP:$name" ;; esac ;;
    *) san="$san,DNS:$name" ;;
  esac
done

umask 077

# True when the certificate is missing or expires within 30 days.
expiring() {
  ! { [ -s "$1" ] && openssl x509 -noout -checkend "$renew_within" -in "$1" >/dev/null; }
}

# A new CA, into a work directory inside its volume ($1): files land by rename (atomic), never half-written.
make_ca() {
  printf '%s\n' '[req]' 'distinguished_name = dn' 'x509_extensions = ext' 'prompt = no' '[dn]' \
    "CN = Round-robin stack local CA $(date -u +%Y-%m-%dT%H:%M:%SZ)" '[ext]' \
    'basicConstraints = critical,CA:TRUE,pathlen:0' 'keyUsage = critical,keyCertSign,cRLSign' \
    'subjectKeyIdentifier = hash' >"$1/ca.cnf"
  openssl req -x509 -new -config "$1/ca.cnf" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
    -keyout "$1/ca-key.pem" -out "$1/ca.pem" -days "$ca_days" 2>/dev/null ||
    fail "openssl could not make the CA in $ca_dir"
  chmod 0444 "$1/ca.pem"
  mv "$1/ca-key.pem" "$ca_dir/ca-key.pem"
  mv "$1/ca.pem" "$ca_dir/ca.pem"
  echo "certs: new local CA, valid $ca_days days"
}

# A new key and certificate signed by the CA, into a work directory inside NGINX's volume ($1).
make_leaf() {
  printf '%s\n' 'basicConstraints = critical,CA:FALSE' 'keyUsage = critical,digitalSignature' \
    'extendedKeyUsage = serverAuth' "subjectAltName = $san" 'subjectKeyIdentifier = hash' \
    'authorityKeyIdentifier = keyid' >"$1/leaf.ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj /CN=localhost \
    -keyout "$1/key.pem" -out "$1/leaf.csr" 2>/dev/null || fail "openssl could not make a key in $out_dir"
  openssl x509 -req -in "$1/leaf.csr" -CA "$ca_dir/ca.pem" -CAkey "$ca_dir/ca-key.pem" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$leaf_days" -extfile "$1/leaf.ext" -out "$1/cert.pem" \
    2>/dev/null || fail "openssl could not sign the certificate"
  # The key for NGINX's user alone (mode first: once the key is NGINX's, only NGINX may change it).
  chmod 0400 "$1/key.pem"
  chown "$nginx_uid:$nginx_uid" "$1/key.pem"
  chmod 0444 "$1/cert.pem"
  printf '%s' "$san" >"$1/names"
  chmod 0444 "$1/names"
  # Key first, then certificate: NGINX's watcher (check-certs.sh) reloads once the pair loads together.
  mv "$1/key.pem" "$out_dir/key.pem"
  mv "$1/cert.pem" "$out_dir/cert.pem"
  mv "$1/names" "$out_dir/names"
}

# One pass: the CA, then the certificate, each made or kept.
renew() {
  ca_work=$(mktemp -d "$ca_dir/.work.XXXXXX")
  work=$(mktemp -d "$out_dir/.work.XXXXXX")
  trap 'rm -rf "$ca_work" "$work"' EXIT

  if expiring "$ca_dir/ca.pem" || [ ! -s "$ca_dir/ca-key.pem" ]; then
    make_ca "$ca_work"
  fi

  reason=""
  if [ ! -s "$out_dir/key.pem" ] || [ ! -s "$out_dir/cert.pem" ]; then
    reason="none yet"
  elif expiring "$out_dir/cert.pem"; then
    reason="the current one expires within 30 days"
  elif ! openssl verify -CAfile "$ca_dir/ca.pem" "$out_dir/cert.pem" >/dev/null 2>&1; then
    reason="the CA changed"
  elif [ "$(cat "$out_dir/names" 2>/dev/null)" != "$san" ]; then
    reason="the names changed"
  fi
  if [ -n "$reason" ]; then
    make_leaf "$work"
    echo "certs: new certificate ($reason) for $san, valid $leaf_days days"
  else
    echo "certs: certificate kept, $(openssl x509 -noout -enddate -in "$out_dir/cert.pem")"
  fi

  cp "$ca_dir/ca.pem" "$work/ca.pem"
  chmod 0444 "$work/ca.pem"
  mv "$work/ca.pem" "$out_dir/ca.pem"
  rm -rf "$ca_work" "$work"
}

renew
if [ "${1:-}" = --keep-renewing ]; then
  while sleep $((12 * 3600)); do renew; done
fi
