#!/usr/bin/env bash
# Makes a CA and a serving certificate for the webhook's Service with openssl, writes them to
# OUTDIR (ca.crt, ca.key, tls.crt, tls.key), prints the kubectl command for the Secret and
# the base64 caBundle, and with --fill MANIFEST writes that caBundle into the manifest's
# MutatingWebhookConfiguration (deploy/webhook.yaml).
# usage: scripts/webhook-certs.sh [-n NAMESPACE] [-s SERVICE] [-d DAYS] [--fill MANIFEST] OUTDIR
set -euo pipefail
ns=inferguard svc=inferguard-webhook days=365 fill=
while [ $# -gt 1 ]; do
  case $1 in
    -n) ns=$2; shift 2 ;;
    -s) svc=$2; shift 2 ;;
    -d) days=$2; shift 2 ;;
    --fill) fill=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# = 1 ] && [ "${1:0:1}" != - ] || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
out=$1
mkdir -p "$out"
umask 077
dns="$svc.$ns.svc"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$out/ca.key" -out "$out/ca.crt" -days "$days" \
  -subj "/CN=inferguard-webhook-ca" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$out/tls.key" -out "$out/tls.csr" -subj "/CN=$dns" 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:%s.%s,DNS:%s.cluster.local\nextendedKeyUsage=serverAuth\n' \
  "$dns" "$svc" "$ns" "$dns" > "$out/tls.ext"
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -days "$days" -extfile "$out/tls.ext" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/tls.ext" "$out/ca.srl"
openssl verify -CAfile "$out/ca.crt" "$out/tls.crt" >/dev/null
bundle=$(base64 -w0 < "$out/ca.crt")
if [ -n "$fill" ]; then
  sed -i "s|^\( *caBundle:\) *\"[^\"]*\"|\1 \"$bundle\"|" "$fill"
  grep -q "caBundle: \"$bundle\"" "$fill" || { echo "no caBundle line filled in $fill" >&2; exit 1; }
  echo "caBundle filled in $fill" >&2
fi
echo "# the serving certificate for $dns, as a Secret:"
echo "kubectl -n $ns create secret tls $svc-tls --cert=$out/tls.crt --key=$out/tls.key"
echo "# caBundle:"
echo "$bundle"
