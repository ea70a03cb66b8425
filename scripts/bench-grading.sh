#!/usr/bin/env bash
# Benchmark of grading speed: cold and warm grading of the reference solutions,
# warm grading of the stubs and of one exercise. Prints medians in seconds.
#
#   scripts/bench-grading.sh [RUNS] [EXERCISE]
#
# "Cold" removes the grader's work directory (target/threadlings): every check
# program and its dependencies are rebuilt; the grader binary itself is built
# beforehand and not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
exercise=${2:-01-threads}

cargo build -q -p grader
grader=(cargo run -q -p grader -- --quiet --seed 1)

now() { date +%s.%N; }
time_once() {
    local start end
    start=$(now)
    "$@" > /dev/null
    end=$(now)
    awk -v a="$end" -v b="$start" 'BEGIN { print a - b }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f\n", m }'; }
bench() {
    local label=$1
    shift
    local result
    result=$(for _ in $(seq "$runs"); do time_once "$@"; done | median)
    printf '%-44s %6s s (median of %s)\n' "$label" "$result" "$runs"
}

rm -rf target/threadlings
printf '%-44s %6.2f s\n' "cold: grade the solutions" "$(time_once "${grader[@]}" --solutions)"
bench "warm: grade the solutions" "${grader[@]}" --solutions
bench "warm: grade the stubs (cargo run -p grader)" "${grader[@]}"
bench "warm: grade one exercise ($exercise)" "${grader[@]}" --solutions --only "$exercise"
printf '%-44s %s\n' "cores" "$(nproc)"
