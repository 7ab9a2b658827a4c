#!/usr/bin/env bash
# Points every alert's runbook_url at another copy of docs/operations.md:
#
#   k8s/monitoring/set-runbook-base.sh https://git.example.com/infra/tkms/-/blob/main/docs/operations.md
#
# rewrites, in alerts.yaml and in k8s/components/monitoring/prometheusrule.yaml, the part of each
# runbook_url before its '#anchor' (the anchor, a heading of docs/operations.md, stays), and no
# other line. Further arguments name other files to rewrite instead of those two. Prints how many
# lines it changed per file; exits 2 on a bad base, 1 when a file has no runbook_url line.
set -euo pipefail

usage() {
  echo "usage: $0 NEW_BASE [FILE...]   (NEW_BASE: an http(s) URL without '#', quotes or spaces)" >&2
  exit 2
}

[ $# -ge 1 ] || usage
base=$1
shift
# The base goes into a sed replacement and a plain YAML scalar: refuse what either would read.
if ! [[ $base =~ ^https?://[^[:space:]#\"\'\&\|\\]+$ ]]; then
  echo "not a usable base: '$base'" >&2
  usage
fi

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
  set -- "$here/alerts.yaml" "$here/../components/monitoring/prometheusrule.yaml"
fi

tmp=
trap 'rm -f "$tmp"' EXIT
for f in "$@"; do
  [ -f "$f" ] || { echo "no such file: $f" >&2; exit 1; }
  n=$(grep -cE '^[[:space:]]*runbook_url:[[:space:]]*[^[:space:]#]+#' "$f" || true)
  if [ "$n" -eq 0 ]; then
    echo "$f: no runbook_url line with an anchor" >&2
    exit 1
  fi
  tmp=$(mktemp "$f.XXXXXX")
  sed -E "s|^([[:space:]]*runbook_url:[[:space:]]*)[^[:space:]#]+#|\\1$base#|" "$f" > "$tmp"
  # cat, not mv: the file keeps its mode and owner.
  cat "$tmp" > "$f"
  rm -f "$tmp"
  tmp=
  echo "$f: $n runbook_url lines now start with $base"
done
