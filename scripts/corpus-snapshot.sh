#!/usr/bin/env bash
# Writes `helm-hooks lint --format json` and `helm-hooks order --format json` of every corpus chart and scenario into
# OUT_DIR, one file each, so that two builds can be compared byte for byte (`diff -r`) across a restructuring.
# Usage: scripts/corpus-snapshot.sh CLI_JS OUT_DIR [CORPUS_DIR]
set -uo pipefail
cli=$(realpath "$1"); out=$2; corpus=$(realpath "${3:-$(dirname "$0")/../../shared/corpus}")
mkdir -p "$out"
tail -n +2 "$corpus/manifest.tsv" | while IFS=$'\t' read -r dir _repo _commit _path _licence scenarios _rest; do
  chart="$corpus/charts/$dir"
  IFS=';' read -ra list <<< "$scenarios"
  for scenario in "${list[@]}"; do
    scenario=$(echo "$scenario" | xargs)
    name=${scenario%%=*}; files=${scenario#*=}; files=${files%% *}
    args=()
    if [ "$files" != "-" ]; then
      IFS='+' read -ra parts <<< "$files"
      for part in "${parts[@]}"; do
        case "$part" in chart:*) args+=(-f "$chart/${part#chart:}") ;; *) args+=(-f "$corpus/$part") ;; esac
      done
    fi
    (cd "$corpus" && node "$cli" lint "charts/$dir" "${args[@]}" --format json > "$out/$dir.$name.lint.json" 2> "$out/$dir.$name.lint.err"; echo "exit $?" >> "$out/$dir.$name.lint.err")
    (cd "$corpus" && node "$cli" order "charts/$dir" "${args[@]}" --format json > "$out/$dir.$name.order.json" 2> "$out/$dir.$name.order.err"; echo "exit $?" >> "$out/$dir.$name.order.err")
  done
done
