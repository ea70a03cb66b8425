#!/usr/bin/env bash
# Rewrites known-wrong answers stored as whole files into patches against
# their reference solution: solutions/NN/wrong/NAME/src/X becomes
# solutions/NN/wrong/NAME/src/X.patch (a `diff -u`), which the grader applies
# when it lays the wrong answer over the solution. Files the solution does not
# have stay whole. Idempotent; prints what it converted.
#
# usage: scripts/wrong-to-patch.sh [solutions/NN-topic/wrong/NAME ...]
set -euo pipefail
cd "$(dirname "$0")/.."

dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || mapfile -t dirs < <(ls -d solutions/*/wrong/*/)
for dir in "${dirs[@]}"; do
    dir="${dir%/}"
    exercise=$(basename "$(dirname "$(dirname "$dir")")")
    name=$(basename "$dir")
    [ -d "$dir/src" ] || continue
    while IFS= read -r -d '' file; do
        relative="${file#"$dir"/}"
        base="solutions/$exercise/$relative"
        [ -f "$base" ] || continue
        patch="$file.patch"
        if diff -u --label "solutions/$exercise/$relative" --label "wrong/$name/$relative" \
            "$base" "$file" > "$patch"; then
            echo "warning: $file is identical to $base (not a wrong answer?)" >&2
        fi
        rm "$file"
        echo "$patch"
    done < <(find "$dir/src" -type f ! -name '*.patch' -print0)
done
