#!/usr/bin/env bash
# The CI gate: the same checks locally and in .github/workflows/ci.yml.
#
#   ci/gate.sh                       # every stage
#   ci/gate.sh verify determinism    # only these stages, in the order given
#
# Stages: fmt clippy doc tests loom loom-cfg verify snapshots determinism fuzz contributing
#
# Environment:
#   VERIFY_ARGS   extra arguments of the verify and determinism stages (e.g. "--all --shard 2/4",
#                 "--policy seed-deferral --scenario crash-49416"; empty: the default run, the candidate fixes)
#   TEST_ARGS     what the tests stage runs instead of "--workspace" (e.g. "-p model")
#   GATE_LOG_DIR  where the stage logs go (default target/ci-logs)
#   GATE_FAIL_FAST=1       stop at the first failing stage
#   GATE_VERBOSE=1         stream every stage's output (default: only failing stages' tails)
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CI_ROOT"

ALL_STAGES=(fmt clippy doc tests loom loom-cfg verify snapshots determinism fuzz contributing)
TARGET_DIR="${CARGO_TARGET_DIR:-$CI_ROOT/target}"
LOG_DIR="${GATE_LOG_DIR:-$TARGET_DIR/ci-logs}"
VERIFY_ARGS="${VERIFY_ARGS:-}"
TEST_ARGS="${TEST_ARGS:---workspace}"
# insta: a missing or changed snapshot fails instead of writing a .snap.new.
export CI="${CI:-true}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
SKIP=3

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------------------------- stages

stage_fmt() {
    ci_ensure_component rustfmt fmt || return 1
    cargo fmt --all -- --check --color never
}

stage_clippy() {
    ci_ensure_component clippy clippy || return 1
    cargo clippy --workspace --all-targets --release -- -D warnings
}

# The public API docs: rustdoc's warnings (a broken or private intra-doc link, bad HTML) are errors.
stage_doc() {
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
}

# CONTRIBUTING.md's steps for a new scenario, end to end in a throwaway copy (ci/contributing.sh).
stage_contributing() {
    ci/contributing.sh
}

stage_tests() {
    local log="$LOG_DIR/tests.cargo.log" rc=0
    # shellcheck disable=SC2086
    cargo test $TEST_ARGS --release --no-fail-fast 2>&1 | tee "$log" || rc=$?
    if [ "$rc" -ne 0 ]; then
        ci_log "tests: cargo test exited with $rc"
        return 1
    fi
    ci_require_tests_ran "$log" "tests"
}

# Test files gated on the loom cfg (empty binaries in a normal build).
# Passed tests per test binary: "<binary path or name> <passed>" from a cargo test log.
per_binary_passed() {
    awk '
        /^ *Running / { bin = $2; next }
        /^ *Doc-tests / { bin = "doctests:" $2; next }
        /^test result: (ok|FAILED)\./ { n = $4; print bin, n }
    ' "$1"
}

stage_loom() {
    local log="$LOG_DIR/loom.cargo.log" rc=0 passed
    ci_log "loom: the deep loom suite (checks/tests/loom_deep.rs, ignored in the default run), on the normal build"
    cargo test --release -p checks --test loom_deep -- --ignored 2>&1 | tee "$log" || rc=$?
    if [ "$rc" -ne 0 ]; then
        ci_log "loom: cargo test exited with $rc"
        return 1
    fi
    # The deep suite itself must have run: an ignored test that stays ignored passes nothing.
    passed="$(per_binary_passed "$log" | awk '$1 == "tests/loom_deep.rs" { s += $2 } END { print s + 0 }')"
    ci_log "loom: tests/loom_deep.rs: $passed passed"
    if [ "$passed" -lt 1 ]; then
        ci_log "loom: tests/loom_deep.rs executed zero tests"
        return 1
    fi
}

# The loom cfg, as users build the suite: `RUSTFLAGS="--cfg loom" cargo test -p checks --release`.
# The flag reaches every dependency, so a break that shows only under it (a dependency's own
# cfg(loom) code, a test that does not compile with it) is caught here and nowhere else. Its own
# target directory (target/loom-cfg): the flag would otherwise rebuild the normal one. Under the
# cfg the deep loom suite is not ignored, so its tests passing is also the proof the cfg took.
stage_loom_cfg() {
    local log="$LOG_DIR/loom-cfg.cargo.log" rc=0 passed
    ci_log "loom-cfg: RUSTFLAGS=\"--cfg loom\" cargo test -p checks --release (target dir $TARGET_DIR/loom-cfg)"
    CARGO_TARGET_DIR="$TARGET_DIR/loom-cfg" RUSTFLAGS="--cfg loom" cargo test -p checks --release --no-fail-fast \
        2>&1 | tee "$log" || rc=$?
    if [ "$rc" -ne 0 ]; then
        ci_log "loom-cfg: cargo test exited with $rc"
        return 1
    fi
    ci_require_tests_ran "$log" "loom-cfg" || return 1
    passed="$(per_binary_passed "$log" | awk '$1 == "tests/loom_deep.rs" { s += $2 } END { print s + 0 }')"
    ci_log "loom-cfg: tests/loom_deep.rs: $passed passed"
    if [ "$passed" -lt 1 ]; then
        ci_log "loom-cfg: tests/loom_deep.rs ran no test: the cfg did not reach the suite"
        return 1
    fi
}

# Runs the verify matrix with VERIFY_ARGS and JSON output into $1; returns verify's status.
run_verify_json() {
    local out="$1" err="$2" rc=0
    # shellcheck disable=SC2086
    cargo run --release --bin verify -- $VERIFY_ARGS --format json >"$out" 2>"$err" || rc=$?
    grep -aE '^(MISMATCH|verify:|error)' "$err" | tail -n 60 >&2 || true
    if [ ! -s "$out" ]; then
        ci_log "verify printed no JSON (exit $rc); its stderr:"
        tail -n 40 "$err" >&2
        return 1
    fi
    if grep -aqE '^verify: 0 (of 0 )?results' "$err"; then
        ci_log "verify ran zero results (VERIFY_ARGS='$VERIFY_ARGS'): nothing was checked"
        return 1
    fi
    return "$rc"
}

stage_verify() {
    local rc=0
    ci_log "verify: cargo run --release -- $VERIFY_ARGS (exit status against checks/src/expected/)"
    run_verify_json "$LOG_DIR/verify-1.json" "$LOG_DIR/verify-1.stderr" || rc=$?
    # The determinism stage may compare against this run (same arguments, same binary).
    printf '%s' "$VERIFY_ARGS" >"$LOG_DIR/verify-1.args"
    if [ "$rc" -ne 0 ]; then
        ci_log "verify: exit status $rc: some result differs from its pinned truth"
        return 1
    fi
}

stage_determinism() {
    local first="$LOG_DIR/verify-1.json"
    if [ "${GATE_REUSED_VERIFY:-}" != 1 ] || [ ! -s "$first" ] \
        || [ "$(cat "$LOG_DIR/verify-1.args" 2>/dev/null || echo none)" != "$VERIFY_ARGS" ]; then
        ci_log "determinism: first run"
        run_verify_json "$first" "$LOG_DIR/verify-1.stderr" || true
        [ -s "$first" ] || return 1
    else
        ci_log "determinism: first run is the verify stage's"
    fi
    ci_log "determinism: second run with the same arguments"
    run_verify_json "$LOG_DIR/verify-2.json" "$LOG_DIR/verify-2.stderr" || true
    [ -s "$LOG_DIR/verify-2.json" ] || return 1
    if cmp -s "$first" "$LOG_DIR/verify-2.json"; then
        ci_log "determinism: the two JSON reports are byte-identical ($(wc -c <"$first") bytes)"
    else
        ci_log "determinism: the two JSON reports differ:"
        diff "$first" "$LOG_DIR/verify-2.json" | head -n 40 >&2 || true
        return 1
    fi
}

stage_snapshots() {
    local pending unreferenced=() f name short dirs=(checks/tests checks/src) bad=0
    pending="$(find . \( -path ./target -o -path ./fuzz/target -o -path ./.git \) -prune -o \
        \( -name '*.snap.new' -o -name '*.pending-snap' \) -print | sort)"
    if [ -n "$pending" ]; then
        ci_log "snapshots: pending snapshots (review them, then accept or delete):"
        printf '  %s\n' $pending >&2
        bad=1
    fi
    shopt -s nullglob
    local snaps=(snapshots/*.snap)
    shopt -u nullglob
    for f in "${snaps[@]}"; do
        name="$(basename "$f" .snap)"
        short="${name##*__}"
        if ! grep -rqF -e "\"$name\"" -e "\"$short\"" "${dirs[@]}"; then
            unreferenced+=("$f")
        fi
    done
    if [ "${#unreferenced[@]}" -gt 0 ]; then
        ci_log "snapshots: no test under ${dirs[*]} names these snapshot files (delete them or name them in a test):"
        printf '  %s\n' "${unreferenced[@]}" >&2
        bad=1
    fi
    ci_log "snapshots: ${#snaps[@]} snapshot files, ${#unreferenced[@]} unreferenced, $(printf '%s' "$pending" | grep -c . || true) pending"
    return "$bad"
}

stage_fuzz() {
    if [ ! -x ci/fuzz-smoke.sh ]; then
        ci_log "fuzz: ci/fuzz-smoke.sh is missing or not executable: skipped"
        return "$SKIP"
    fi
    if ! cargo +nightly --version >/dev/null 2>&1; then
        ci_log "fuzz: no nightly toolchain (cargo-fuzz needs one): skipped"
        return "$SKIP"
    fi
    ci/fuzz-smoke.sh
}

# ---------------------------------------------------------------------------------- driver

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    usage
    exit 0
fi
STAGES=("$@")
[ "${#STAGES[@]}" -gt 0 ] || STAGES=("${ALL_STAGES[@]}")
for s in "${STAGES[@]}"; do
    case " ${ALL_STAGES[*]} " in
        *" $s "*) ;;
        *) ci_die "unknown stage '$s'; stages: ${ALL_STAGES[*]}" ;;
    esac
done

mkdir -p "$LOG_DIR"
rm -f "$LOG_DIR/verify-1.args"
RESULTS=()
FAILED=0
GATE_START="$(ci_now)"
for s in "${STAGES[@]}"; do
    log="$LOG_DIR/$s.log"
    printf '\n==> %s\n' "$s" >&2
    start="$(ci_now)"
    rc=0
    # determinism reuses the verify stage's report only when that ran in this invocation.
    [ "$s" = determinism ] && [ -f "$LOG_DIR/verify-1.args" ] && export GATE_REUSED_VERIFY=1
    # Each stage runs in a subshell: a stage that exits only ends itself, not the gate.
    if [ "${GATE_VERBOSE:-0}" = 1 ]; then
        set +e
        ("stage_${s//-/_}") 2>&1 | tee "$log" >&2
        rc="${PIPESTATUS[0]}"
        set -e
    else
        ("stage_${s//-/_}") >"$log" 2>&1 || rc=$?
    fi
    secs="$(ci_elapsed "$start" "$(ci_now)")"
    if [ "$rc" -eq 0 ]; then
        status=PASS
    elif [ "$rc" -eq "$SKIP" ]; then
        status=SKIP
    else
        status=FAIL
        FAILED=1
        if [ "${GATE_VERBOSE:-0}" != 1 ]; then
            printf -- '--- last lines of %s ---\n' "$log" >&2
            tail -n 40 "$log" >&2
        fi
    fi
    printf '<== %s: %s (%ss, log %s)\n' "$s" "$status" "$secs" "$log" >&2
    RESULTS+=("$s|$status|$secs")
    if [ "$status" = FAIL ] && [ "${GATE_FAIL_FAST:-0}" = 1 ]; then
        break
    fi
done

printf '\nGate summary\n' >&2
printf '  %-12s %-5s %8s\n' stage result seconds >&2
for r in "${RESULTS[@]}"; do
    IFS='|' read -r s status secs <<<"$r"
    printf '  %-12s %-5s %8s\n' "$s" "$status" "$secs" >&2
done
printf '  %-12s %-5s %8s\n' total "$([ "$FAILED" = 0 ] && echo PASS || echo FAIL)" "$(ci_elapsed "$GATE_START" "$(ci_now)")" >&2
exit "$FAILED"
