#!/usr/bin/env bash
# Every build step of the grading image, in one script: the Containerfile
# RUNs it, and grader/tests/batch.rs runs it outside a container (this
# machine cannot build images), so the steps are tested where they are
# written. See docs/ci/shards.md, "The image".
#
# It makes THREADLINGS_HOME (default /opt/threadlings):
#   bin/grader                      the grader (release build by default)
#   bin/threadlings-prairielearn    PrairieLearn entrypoint (docs/ci/prairielearn/run.sh)
#   bin/threadlings-gradescope      Gradescope run_autograder (docs/ci/gradescope/)
#   bin/threadlings-regrade         one shard of a regrade, or the merge (scripts/regrade.sh)
#   course/                         `grader export --include-private`: exercises, private
#                                   checks, kit; no solutions, no wrong answers
#   target/                         every dependency and check program built, offline
#
# Environment:
#   THREADLINGS_SOURCE   the instructor repository (default: this script's repo)
#   THREADLINGS_HOME     where to install (default /opt/threadlings)
#   THREADLINGS_PROFILE  cargo profile of the grader (default release)
#   THREADLINGS_BUILD_TARGET  cargo target dir for building the grader
#                        (default: a temporary one under THREADLINGS_HOME, removed after)
#   THREADLINGS_WARM     exercises to pre-build by grading their stubs: `all`
#                        (default), a comma-separated list, or `none`
#   THREADLINGS_SYSTEM_PACKAGES  1: install compilers etc. with apt-get (the
#                        Containerfile sets it; default 0)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE="$(cd "${THREADLINGS_SOURCE:-$here/..}" && pwd)"
HOME_DIR="${THREADLINGS_HOME:-/opt/threadlings}"
PROFILE="${THREADLINGS_PROFILE:-release}"
WARM="${THREADLINGS_WARM:-all}"
BUILD_TARGET="${THREADLINGS_BUILD_TARGET:-$HOME_DIR/build-target}"

step() { printf '\n== image-setup: %s\n' "$*"; }

if [ "${THREADLINGS_SYSTEM_PACKAGES:-0}" = 1 ]; then
    step "system packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends \
        build-essential ca-certificates curl pkg-config python3 git
    rm -rf /var/lib/apt/lists/*
fi

if ! command -v cargo >/dev/null 2>&1; then
    step "Rust toolchain"
    # The workspace's rust-version is the floor; stable is above it.
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
        | sh -s -- -y --profile minimal --default-toolchain stable --no-modify-path
    # shellcheck disable=SC1091
    source "${CARGO_HOME:-$HOME/.cargo}/env"
fi
cargo --version

step "fetch every dependency (the last step that may use the network)"
(cd "$SOURCE" && cargo fetch --locked)
export CARGO_NET_OFFLINE=true

step "build the grader ($PROFILE)"
mkdir -p "$HOME_DIR/bin"
(cd "$SOURCE" && CARGO_TARGET_DIR="$BUILD_TARGET" cargo build --locked --offline \
    --profile "$PROFILE" -p grader)
profile_dir="$PROFILE"
if [ "$PROFILE" = dev ]; then profile_dir=debug; fi
install -m 0755 "$BUILD_TARGET/$profile_dir/grader" "$HOME_DIR/bin/grader"
if [ -z "${THREADLINGS_BUILD_TARGET:-}" ]; then
    rm -rf "$BUILD_TARGET"
fi

step "export the course with its private checks, without solutions"
rm -rf "$HOME_DIR/course"
"$HOME_DIR/bin/grader" --course "$SOURCE" export "$HOME_DIR/course" --include-private
if [ -e "$HOME_DIR/course/solutions" ]; then
    echo "image-setup: the export holds solutions/; refusing to build this image" >&2
    exit 1
fi
# Every dependency of the exported workspace is in cargo's cache, at the
# versions of the course's lock file (`grader export` fits it to the export).
(cd "$HOME_DIR/course" && cargo fetch --locked --offline)

step "entrypoints"
install -m 0755 "$SOURCE/docs/ci/prairielearn/run.sh" "$HOME_DIR/bin/threadlings-prairielearn"
install -m 0755 "$SOURCE/docs/ci/gradescope/run_autograder" "$HOME_DIR/bin/threadlings-gradescope"
install -m 0755 "$SOURCE/scripts/regrade.sh" "$HOME_DIR/bin/threadlings-regrade"

step "pre-build the checks by grading the stubs (offline): $WARM"
warm_args=()
case "$WARM" in
none) ;;
all) warm_args=(all) ;;
*)
    IFS=',' read -r -a names <<<"$WARM"
    for name in "${names[@]}"; do warm_args+=(--only "$name"); done
    ;;
esac
if [ ${#warm_args[@]} -gt 0 ]; then
    if [ "${warm_args[0]}" = all ]; then warm_args=(); fi
    # Graded stubs score 0 and exit 0; any other status is a broken image.
    CARGO_TARGET_DIR="$HOME_DIR/target" "$HOME_DIR/bin/grader" \
        --course "$HOME_DIR/course" --quiet --format json \
        --output "$HOME_DIR/warm-report.json" "${warm_args[@]}"
fi
step "done: $HOME_DIR"
