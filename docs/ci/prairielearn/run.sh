#!/usr/bin/env bash
# PrairieLearn external-grader entrypoint: grades the student's files in
# /grade/student and writes /grade/results/results.json
# (docs/ci/prairielearn.md).
#
# Only exercise sources are taken from the submission (`--subject`): the
# grader, the hidden checks and all metadata come from the trusted course
# copy in the image (THREADLINGS_COURSE). Three layouts are accepted:
#   /grade/student/exercises/NN-topic/src/...   a whole student repository
#   /grade/student/NN-topic/src/...             the exercises themselves
#   /grade/student/lib.rs (and other files)     one exercise's src/ files, from
#       pl-file-editor or pl-file-upload; THREADLINGS_EXERCISE names it, and
#       the files the student did not submit keep the course's starting code.
# THREADLINGS_EXERCISE also restricts grading to that exercise (`--only`).
#
# PL_GRADE_ROOT and GRADER may be set to try it outside PrairieLearn.
set -uo pipefail

ROOT="${PL_GRADE_ROOT:-/grade}"
COURSE="${THREADLINGS_COURSE:-/opt/threadlings/course}"
GRADER="${GRADER:-/opt/threadlings/bin/grader}"
EXERCISE="${THREADLINGS_EXERCISE:-}"
STUDENT="$ROOT/student"
RESULTS="$ROOT/results/results.json"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/opt/threadlings/target}"
# PrairieLearn runs graders without network by default; everything was
# fetched and built when the image was made.
export CARGO_NET_OFFLINE=true
# PrairieLearn does not create /grade/results.
mkdir -p "$(dirname "$RESULTS")"

LOG="$(mktemp)"
WORK="$(mktemp -d)"

if [ -d "$STUDENT/exercises" ]; then
    SUBJECT="$STUDENT/exercises"
elif compgen -G "$STUDENT/[0-9][0-9]-*/src" >/dev/null; then
    SUBJECT="$STUDENT"
elif [ -n "$EXERCISE" ] && [ -d "$COURSE/exercises/$EXERCISE/src" ]; then
    # One exercise's files: the course's starting src/, then the student's.
    SUBJECT="$WORK/subject"
    mkdir -p "$SUBJECT/$EXERCISE"
    cp -R "$COURSE/exercises/$EXERCISE/src" "$SUBJECT/$EXERCISE/src"
    if [ -d "$STUDENT" ]; then
        cp -R "$STUDENT/." "$SUBJECT/$EXERCISE/src/"
    fi
else
    SUBJECT="$STUDENT"
fi

ARGS=(--course "$COURSE" --subject "$SUBJECT" --format prairielearn
      --output "$RESULTS" --quiet)
if [ -n "$EXERCISE" ]; then
    ARGS+=(--only "$EXERCISE")
fi

if "$GRADER" "${ARGS[@]}" 2>"$LOG"; then
    rm -rf "$WORK" "$LOG"
    exit 0
fi

# The grader could not grade (exit 2: no exercises in the expected layout,
# an unknown exercise, a machine failure). `gradable: false`: PrairieLearn
# records no score and does not count the attempt.
python3 - "$RESULTS" "$LOG" <<'PY'
import json, sys
results, log = sys.argv[1], sys.argv[2]
with open(log, encoding="utf-8", errors="replace") as f:
    tail = "".join(f.readlines()[-20:]).strip()
json.dump({
    "gradable": False,
    "score": 0.0,
    "message": "The autograder could not grade this submission; it does not count as an "
               "attempt. Submit your exercise files unchanged in layout; if it happens "
               "again, tell the course staff.",
    "format_errors": [tail or "the grader stopped without a message"],
    "tests": [],
}, open(results, "w", encoding="utf-8"), indent=2)
PY
rm -rf "$WORK" "$LOG"
exit 0
