#!/usr/bin/env bash
# Benchmark of grading speed: every row of issue 15's table (and issue 18's
# new-submission row), as medians of several runs, in seconds.
#
#   scripts/bench-grading.sh [--quick] [RUNS]
#
#   RUNS        runs per warm row (argument or environment; default 5); cold
#               rows use COLD_RUNS (default 3)
#   --quick     skip the slow rows (cold first run, cargo test, CI), printing "skipped"
#   EXERCISES   the exercises of the everyday-loop rows (default: all of them)
#   ROWS        an extended regular expression: only rows whose label matches
#               run (e.g. ROWS='new submission'); the others print "skipped"
#
# Rows:
# - cold first run: `cargo run -p grader` in a fresh CARGO_TARGET_DIR (builds the
#   grader, then grades the untouched stubs, which builds no check program);
# - cold solutions: grader prebuilt, work directory (target/threadlings) removed;
# - warm stubs / warm solutions: everything built, nothing changed;
# - everyday loop: a copy of the course whose exercises/ holds the solutions,
#   one exercise edited (a comment appended to src/lib.rs, so its crate and
#   its check crate recompile), then `--only` it: the student's own path
#   (the working copy is the one subject built incrementally);
# - the same without `--only`: the plain command, the other exercises'
#   verdicts reused; and with `--fresh`, nothing reused;
# - new submission: a copy of the solutions in a directory never graded before
#   (its crates compile against the warm dependencies), `--subject DIR`;
# - verify with the suite's arguments (the suite's long pole), alone;
# - cargo test and .ci/run, warm (after the first, whose build is cold).
#
# The machine's load distorts every row: the script prints the load average
# before and after; report numbers with it.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [[ ${1:-} == --quick ]]; then
    quick=1
    shift
fi
runs=${1:-${RUNS:-5}}
cold_runs=${COLD_RUNS:-3}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-grading.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

cargo build -q -p grader
grader_bin=target/debug/grader
grader=("$grader_bin" --quiet --seed 1)

now() { date +%s.%N; }
time_once() {
    local start end
    start=$(now)
    "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    end=$(now)
    awk -v a="$end" -v b="$start" 'BEGIN { print a - b }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f (min %.2f, max %.2f)\n", m, a[1], a[NR] }'; }
row() { printf '%-58s %s\n' "$1" "$2"; }
bench() {
    local label=$1 count=$2
    shift 2
    if [[ -n ${ROWS:-} ]] && ! [[ $label =~ $ROWS ]]; then
        row "$label" "skipped (ROWS)"
        return
    fi
    row "$label" "$(for _ in $(seq "$count"); do time_once "$@"; done | median) s, n=$count"
}
skipped() { row "$1" "skipped (--quick)"; }

row "machine" "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Cold first run, exactly the README's command, in a fresh target directory.
if ((quick)); then
    skipped "cold: first cargo run -p grader (fresh target dir)"
else
    cold_first() {
        local dir
        dir=$(mktemp -d "$scratch/cold.XXXXXX")
        CARGO_TARGET_DIR=$dir cargo run -q -p grader -- --quiet --seed 1
        rm -rf "$dir"
    }
    bench "cold: first cargo run -p grader (fresh target dir)" "$cold_runs" cold_first
fi

cold_solutions() {
    rm -rf target/threadlings
    "${grader[@]}" --solutions
}
bench "cold: grade the solutions (grader built, work dir removed)" "$cold_runs" cold_solutions
"${grader[@]}" > /dev/null 2>&1 || true
bench "warm: grade the stubs (cargo run -p grader)" "$runs" "${grader[@]}"
bench "warm: grade the solutions" "$runs" "${grader[@]}" --solutions

# The everyday loop: a course copy whose working copy (exercises/) holds the
# solutions, one exercise edited before each run, as a student edits theirs.
if [[ -z ${ROWS:-} || "warm: one exercise edited" =~ $ROWS || "warm: plain run" =~ $ROWS ]]; then
    solved=$scratch/course
    mkdir -p "$solved"
    git ls-files -z | xargs -0 cp --parents -t "$solved"
    # The solutions' sources over the stubs (the manifests stay the course's).
    for exercise in solutions/*/; do
        name=$(basename "$exercise")
        rm -rf "$solved/exercises/$name/src"
        cp -r "$exercise/src" "$solved/exercises/$name/src"
    done
    "$grader_bin" --quiet --seed 1 --course "$solved" > /dev/null 2>&1 || true
fi
edit_and_grade() {
    local exercise=$1
    printf '\n// bench edit %s\n' "$(now)" >> "$solved/exercises/$exercise/src/lib.rs"
    "$grader_bin" --quiet --seed 1 --course "$solved" --only "$exercise"
}
for exercise in ${EXERCISES:-$(ls exercises)}; do
    bench "warm: one exercise edited, --only $exercise" "$runs" edit_and_grade "$exercise"
done

# The everyday loop without --only: one exercise edited, then the plain
# command (no --seed: a seed asks for a fresh grading). The other exercises
# are unchanged since their full-marks grading, so their verdicts are
# reused (grader/src/reuse.rs); the first run records them.
edit_and_grade_all() {
    local exercise=$1
    printf '\n// bench edit %s\n' "$(now)" >> "$solved/exercises/$exercise/src/lib.rs"
    "$grader_bin" --quiet --course "$solved"
}
if [[ -z ${ROWS:-} || "warm: plain run, one exercise edited" =~ $ROWS ]]; then
    "$grader_bin" --quiet --course "$solved" > /dev/null 2>&1 || true
fi
for exercise in ${REUSE_EXERCISES:-04-shared-state 09-parallel-compute}; do
    bench "warm: plain run, one exercise edited ($exercise), rest reused" "$runs" \
        edit_and_grade_all "$exercise"
done
bench "warm: plain run, nothing edited, everything reused" "$runs" \
    "$grader_bin" --quiet --course "$solved"
bench "warm: plain run with --fresh (nothing reused)" "$runs" \
    "$grader_bin" --quiet --course "$solved" --fresh

# A new submission: a directory the grader has not seen.
new_submission() {
    local dir
    dir=$(mktemp -d "$scratch/submission.XXXXXX")
    cp -r solutions/. "$dir"
    find "$dir" -name wrong -type d -prune -exec rm -rf {} +
    "${grader[@]}" --subject "$dir"
}
bench "new submission (full solutions, --subject NEW_DIR)" "$cold_runs" new_submission

# The suite's long pole, alone: verify with its arguments, the dependencies
# warm and every generated workspace of a subject removed (each answer's
# crates compile, as in CI).
verify_as_the_suite() {
    rm -rf target/threadlings/subjects target/threadlings/out
    "$grader_bin" --quiet verify --runs 2 --wrong-runs 1 --format json --seed 500
}
if ((quick)); then
    skipped "verify, the suite's arguments (dependencies warm)"
else
    bench "verify, the suite's arguments (dependencies warm)" 1 verify_as_the_suite
fi

if ((quick)); then
    skipped "cargo test --locked (warm)"
    skipped ".ci/run (warm)"
else
    cargo test --locked > /dev/null 2>&1 || true
    bench "cargo test --locked (warm)" 1 cargo test --locked
    bench ".ci/run (warm)" 1 .ci/run
fi
row "load average after" "$(cut -d' ' -f1-3 /proc/loadavg)"
