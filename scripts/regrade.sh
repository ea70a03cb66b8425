#!/usr/bin/env bash
# One shard of a sharded regrade, or the merge of all shards: the command
# every engine runs (docs/ci/shards.md), so that GitHub Actions, the
# Kubernetes Indexed Job and the Slurm array differ only in where I comes
# from. In the image it is /opt/threadlings/bin/threadlings-regrade.
#
#   regrade.sh shard I N    grade shard I of N (1-based) into $RESULTS
#   regrade.sh merge N      merge the N shards into $RESULTS/gradebook.{csv,json}
#
# Environment: SEED (required for shard: every shard must use the same one),
# SUBMISSIONS (one directory per student; default /work/submissions),
# RESULTS (default /work/results), THREADLINGS_COURSE (default
# /opt/threadlings/course), GRADER (default: `grader` on PATH), JOBS
# (submissions at once per shard; default 1), SUBMISSION_TIMEOUT (s).
# A shard run again resumes from its state directory in $RESULTS.
set -euo pipefail

COURSE="${THREADLINGS_COURSE:-/opt/threadlings/course}"
GRADER="${GRADER:-grader}"
SUBMISSIONS="${SUBMISSIONS:-/work/submissions}"
RESULTS="${RESULTS:-/work/results}"
# Absolute, so a relative path means the same to every process of the batch.
SUBMISSIONS="$(realpath -m "$SUBMISSIONS")"
RESULTS="$(realpath -m "$RESULTS")"

usage() {
    echo "usage: $0 shard I N | merge N" >&2
    exit 2
}

case "${1:-}" in
shard)
    [ $# -eq 3 ] || usage
    index="$2" count="$3"
    : "${SEED:?set SEED: every shard of a regrade must use the same seed}"
    name="shard-$index-of-$count"
    mkdir -p "$RESULTS"
    exec "$GRADER" --course "$COURSE" --quiet --jobs "${JOBS:-1}" --seed "$SEED" \
        batch "$SUBMISSIONS" --shard "$index/$count" \
        --csv "$RESULTS/$name.csv" --json "$RESULTS/$name.json" \
        --state "$RESULTS/$name.state" \
        --submission-timeout "${SUBMISSION_TIMEOUT:-900}"
    ;;
merge)
    [ $# -eq 2 ] || usage
    count="$2"
    inputs=()
    for index in $(seq 1 "$count"); do
        inputs+=("$RESULTS/shard-$index-of-$count.json")
    done
    exec "$GRADER" --course "$COURSE" merge "${inputs[@]}" \
        --csv "$RESULTS/gradebook.csv" --json "$RESULTS/gradebook.json"
    ;;
*)
    usage
    ;;
esac
