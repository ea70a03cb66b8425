#!/usr/bin/env bash
# Regenerates the race-check table: every known-wrong answer (and the
# reference solution) of the race exercises × the four ways of looking at
# it, each counted over N runs with seeds 1..N:
#
#   public  the exercise's public tests (`cargo test`, no instrumentation)
#   stress  the hidden stress checks (kind = "race", plain build)
#   explore the hidden exploration checks (kind = "race", variant = "shuttle")
#   model   the hidden model checks (kind = "race", variant = "loom")
#   caught  the checks the answer's wrong.toml names (`caught_by`), all failing
#
# A cell "k/N" counts the runs in which at least one check of that column did
# not pass (for the solution row: should be 0/N everywhere). A run that hangs
# past the time limit counts as caught (and is marked with "h"). The last
# two columns are the latest stress round in which a stress check caught it
# and the latest exploration schedule in which an exploration check caught
# it (over all runs): how much of the round or schedule budget detection needs.
# Every verdict that is not a pass is printed on stderr with its message.
#
# usage: scripts/race-table.sh [--runs N] [--cpu0] [EXERCISE...]
#   --cpu0   run every test and check pinned to CPU 0 (`taskset -c 0`)
# default exercises: 04-shared-state 05-condvar 07-deadlock 08-atomics
set -euo pipefail
cd "$(dirname "$0")/.."

runs=20
pin=()
exercises=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --cpu0) pin=(taskset -c 0); shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) exercises+=("$1"); shift ;;
    esac
done
[ ${#exercises[@]} -gt 0 ] || exercises=(04-shared-state 05-condvar 07-deadlock 08-atomics)

target="${CARGO_TARGET_DIR:-target}"
work="$target/threadlings"
tests_target="$work/race-table-tests"
limit="${RACE_TABLE_LIMIT:-60}"  # seconds before a run counts as hanging
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

cargo build -q -p grader
grader="$target/debug/grader"

# checks.toml → "name kind variant" lines
checks_of() {
    python3 - "$1" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    data = tomllib.load(f)
for c in data.get("check", []):
    print(c["name"], c.get("kind", "test"), c.get("variant", "-"))
EOF
}

caught_by_of() {
    python3 - "$1" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print(" ".join(tomllib.load(f)["caught_by"]))
EOF
}

package_of() {
    python3 - "$1" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print(tomllib.load(f)["package"]["name"])
EOF
}

# Runs one check program; prints its outcome (passed, failed, ..., hang)
# and remembers in `last_round` the stress round a failure names (or 0),
# in `last_schedule` the exploration schedule it names (or 0).
outcome() {
    local program="$1" check="$2" seed="$3" out verdict status=0 result
    last_round=0
    last_schedule=0
    out=$(timeout "$limit" "${pin[@]}" "$program" "$check" --seed "$seed" 2>/dev/null) || status=$?
    verdict=$(printf '%s\n' "$out" | grep '"type":"finished"' | tail -1 || true)
    if [ "$status" -eq 124 ]; then
        result=hang
    elif [ -z "$verdict" ]; then
        result=crashed
    else
        result=$(printf '%s' "$verdict" | jq -r '.message.verdict.outcome')
        last_round=$(printf '%s' "$verdict" | jq -r '.message.verdict.message // ""' \
            | grep -o 'round [0-9]* of' | head -1 | grep -o '[0-9]*' || echo 0)
        last_schedule=$(printf '%s' "$verdict" | jq -r '.message.verdict.message // ""' \
            | grep -o 'schedule [0-9]* of' | head -1 | grep -o '[0-9]*' || echo 0)
    fi
    # Every verdict that is not a pass goes to stderr, message and all.
    if [ "$result" != passed ] && [ "$result" != skipped ]; then
        printf '%s %s seed %s: %s %s\n' "$program" "$check" "$seed" "$result" \
            "$(printf '%s' "$verdict" | jq -c '.message.verdict' 2>/dev/null | head -c 600)" >&2
    fi
    echo "$result"
}

echo "| answer | public tests | stress | explore (shuttle) | model (loom) | caught by its intended checks | latest stress round that caught it | latest schedule that caught it |"
echo "|---|---|---|---|---|---|---|---|"
for ex in "${exercises[@]}"; do
    checks_toml="grader/checks/$ex/checks.toml"
    check_pkg=$(package_of "grader/checks/$ex/Cargo.toml")
    ex_pkg=$(package_of "exercises/$ex/Cargo.toml")
    mapfile -t checks < <(checks_of "$checks_toml")
    stress=() explore=() model=()
    for line in "${checks[@]}"; do
        read -r name kind variant <<<"$line"
        [ "$kind" = race ] || continue
        case "$variant" in
            loom) model+=("$name") ;;
            shuttle) explore+=("$name") ;;
            *) stress+=("$name") ;;
        esac
    done
    subjects=("solution")
    for dir in solutions/"$ex"/wrong/*/; do subjects+=("$(basename "$dir")"); done
    for subject in "${subjects[@]}"; do
        if [ "$subject" = solution ]; then
            slug=solutions
            "$grader" --solutions --only "$ex" --seed 1 --quiet --format json >/dev/null
            intended=()
        else
            slug="wrong-$ex-$subject"
            "$grader" --wrong "$ex/$subject" --seed 1 --quiet --format json >/dev/null
            read -r -a intended <<<"$(caught_by_of "solutions/$ex/wrong/$subject/wrong.toml")"
        fi
        plain="$work/out/$slug/grade/$check_pkg"
        loom="$work/out/$slug-loom/grade/$check_pkg"
        shuttle="$work/out/$slug-shuttle/grade/$check_pkg"
        test_bin=$(cargo test -q --no-run --manifest-path "$work/subjects/$slug/Cargo.toml" \
            -p "$ex_pkg" --test public --target-dir "$tests_target" --message-format json 2>/dev/null \
            | jq -r 'select(.reason == "compiler-artifact" and .executable != null
                            and .target.name == "public") | .executable' | tail -1)
        public=0 stress_n=0 explore_n=0 model_n=0 intended_n=0 hangs="" worst=0 worst_schedule=0
        for seed in $(seq 1 "$runs"); do
            if ! timeout "$limit" "${pin[@]}" "$test_bin" -q >/dev/null 2>&1; then
                public=$((public + 1))
            fi
            declare -A failed=()
            for c in "${stress[@]}"; do
                outcome "$plain" "$c" "$seed" >"$tmp"
                o=$(cat "$tmp")
                [ "$o" = passed ] || [ "$o" = skipped ] || failed[$c]=1
                [ "$o" = hang ] && hangs="h"
                [ "${last_round:-0}" -gt "$worst" ] && worst=$last_round
            done
            for c in "${explore[@]}"; do
                outcome "$shuttle" "$c" "$seed" >"$tmp"
                o=$(cat "$tmp")
                [ "$o" = passed ] || [ "$o" = skipped ] || failed[$c]=1
                [ "$o" = hang ] && hangs="h"
                [ "${last_schedule:-0}" -gt "$worst_schedule" ] && worst_schedule=$last_schedule
            done
            for c in "${model[@]}"; do
                o=$(outcome "$loom" "$c" "$seed")
                [ "$o" = passed ] || [ "$o" = skipped ] || failed[$c]=1
                [ "$o" = hang ] && hangs="h"
            done
            for c in "${intended[@]}"; do
                case " ${stress[*]} ${explore[*]} ${model[*]} " in
                    *" $c "*) ;;
                    *)  # a test or timing check named in caught_by
                        o=$(outcome "$plain" "$c" "$seed")
                        [ "$o" = passed ] || [ "$o" = skipped ] || failed[$c]=1 ;;
                esac
            done
            for c in "${stress[@]}"; do [ -n "${failed[$c]:-}" ] && { stress_n=$((stress_n + 1)); break; }; done
            for c in "${explore[@]}"; do [ -n "${failed[$c]:-}" ] && { explore_n=$((explore_n + 1)); break; }; done
            for c in "${model[@]}"; do [ -n "${failed[$c]:-}" ] && { model_n=$((model_n + 1)); break; }; done
            if [ ${#intended[@]} -gt 0 ]; then
                all=1
                for c in "${intended[@]}"; do [ -n "${failed[$c]:-}" ] || all=0; done
                intended_n=$((intended_n + all))
            fi
            unset failed
        done
        if [ "$subject" = solution ]; then
            most=$((stress_n > model_n ? stress_n : model_n))
            most=$((explore_n > most ? explore_n : most))
            intended_cell="(must pass: fails in $most/$runs)"
        else
            intended_cell="$intended_n/$runs (${intended[*]})"
        fi
        echo "| $ex/$subject | $public/$runs | $stress_n/$runs$hangs | $explore_n/$runs | $model_n/$runs | $intended_cell | $([ "$worst" -gt 0 ] && echo "$worst" || echo -) | $([ "$worst_schedule" -gt 0 ] && echo "$worst_schedule" || echo -) |"
    done
done
