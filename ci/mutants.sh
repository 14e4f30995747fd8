#!/usr/bin/env bash
# How strong are the tests: cargo-mutants changes one thing at a time in the model and in the
# verdict code (.cargo/mutants.toml says what, and how each mutant is tested) and reports each
# mutant the tests still pass with ("missed").
#
#   ci/mutants.sh --diff REF         # the mutants of the lines changed since REF (git diff REF:
#                                    # commits and the work tree); fails on a missed mutant
#   ci/mutants.sh --in-diff FILE     # the same for a diff file (the pull-request job's diff)
#   ci/mutants.sh --shard K/N        # shard K of N of the full run (every mutant; CI: 16 shards)
#   ci/mutants.sh --list             # the full run's mutants, one per line, and their count
#   ci/mutants.sh --summary DIR...   # the per-crate table of one or more runs' outputs
#   ci/mutants.sh ... -- ARGS        # ARGS go to cargo mutants as they are (e.g. -- --jobs 2)
#
# Installs cargo-mutants (the version below, --locked) when it is missing or another version.
# Each run writes target/mutants/<run>/mutants.out (outcomes.json, caught.txt, missed.txt,
# timeout.txt, unviable.txt, logs/) and prints the per-crate table. Exit status: 0 when no
# mutant was missed, 2 when one was, cargo-mutants' own status otherwise (3: a mutant timed out
# and none was missed; 4: the unmutated tree fails its tests).
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CI_ROOT"

MUTANTS_VERSION=27.1.0
OUT_ROOT="${MUTANTS_OUT:-$CI_ROOT/target/mutants}"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }

ensure_cargo_mutants() {
    local have
    have="$(cargo mutants --version 2>/dev/null | awk '{ print $2 }' || true)"
    if [ "$have" != "$MUTANTS_VERSION" ]; then
        ci_log "cargo-mutants ${have:-missing}: cargo install cargo-mutants --locked --version $MUTANTS_VERSION"
        cargo install cargo-mutants --locked --version "$MUTANTS_VERSION"
    fi
}

# The per-crate table of the outcomes.json files under the given directories: mutants generated,
# caught, missed, unviable and timed out, and caught / (caught + missed).
summary() {
    local files=()
    for d in "$@"; do
        while IFS= read -r f; do files+=("$f"); done < <(find "$d" -name outcomes.json | sort)
    done
    [ "${#files[@]}" -gt 0 ] || ci_die "no outcomes.json under: $*"
    command -v jq >/dev/null 2>&1 || ci_die "the table needs jq (e.g. apt-get install jq); the outcomes are in: ${files[*]}"
    jq -rs '
        [ .[].outcomes[] | select(.scenario != "Baseline") |
          { package: .scenario.Mutant.package, summary: .summary } ] as $all
        | ($all | group_by(.package) | map({
              package: .[0].package,
              generated: length,
              caught: map(select(.summary == "CaughtMutant")) | length,
              missed: map(select(.summary == "MissedMutant")) | length,
              unviable: map(select(.summary == "Unviable")) | length,
              timeout: map(select(.summary == "Timeout")) | length })) as $rows
        | ($rows + [{ package: "total",
              generated: ($rows | map(.generated) | add // 0),
              caught: ($rows | map(.caught) | add // 0),
              missed: ($rows | map(.missed) | add // 0),
              unviable: ($rows | map(.unviable) | add // 0),
              timeout: ($rows | map(.timeout) | add // 0) }])
        | "| crate | generated | caught | missed | unviable | timed out | caught / (caught + missed) |",
          "|---|---:|---:|---:|---:|---:|---:|",
          (.[] | "| \(.package) | \(.generated) | \(.caught) | \(.missed) | \(.unviable) | \(.timeout) | " +
              (if .caught + .missed == 0 then "-" else
                  "\((1000 * .caught / (.caught + .missed) | floor) / 10)%" end) + " |")
    ' "${files[@]}"
    local missed
    missed="$(jq -rs '[ .[].outcomes[] | select(.summary == "MissedMutant") | .scenario.Mutant.name ] | .[]' "${files[@]}" 2>/dev/null || true)"
    if [ -n "$missed" ]; then
        printf '\nMissed:\n'
        printf '%s\n' "$missed" | sed 's/^/- /'
    fi
}

# Runs cargo mutants with the given arguments into target/mutants/<tag>; prints the table.
# It mutates a copy of the work tree (target/mutants/work, without target/ and .git/) in place,
# building into target/mutants/target, which every run shares: only the first run builds the
# dependencies, and the work tree itself is never touched. The copy's files are dated now, so the
# workspace crates are always rebuilt from them (never from an earlier run's mutated build).
run() {
    local tag="$1" rc=0 start work="$OUT_ROOT/work"
    shift
    ensure_cargo_mutants
    rm -rf "$work" "${OUT_ROOT:?}/$tag"
    mkdir -p "$work" "$OUT_ROOT/$tag" "$OUT_ROOT/target"
    tar -C "$CI_ROOT" --exclude=./target --exclude=./fuzz/target --exclude=./.git \
        --exclude='*.snap.new' --exclude='*.pending-snap' -cf - . | tar -C "$work" -xmf -
    # The baseline: the whole workspace's tests on the unmutated copy, as every mutant runs them.
    # (cargo-mutants' own baseline tests only the mutated packages, so its timeouts would be cut
    # to the model's few seconds of tests.) It must pass, and its times set the timeouts.
    local build_s test_s build_t test_t
    if ! (cd "$work" && cargo mutants --workspace --list "$@" 2>/dev/null) | grep -q .; then
        ci_log "no mutant to test"
        return 0
    fi
    start="$(ci_now)"
    (cd "$work" && CARGO_TARGET_DIR="$OUT_ROOT/target" cargo test --workspace --profile mutants --no-run) \
        >"$OUT_ROOT/$tag/baseline-build.log" 2>&1 || ci_die "the unmutated copy does not build: $OUT_ROOT/$tag/baseline-build.log"
    build_s="$(ci_elapsed "$start" "$(ci_now)")"
    start="$(ci_now)"
    (cd "$work" && CARGO_TARGET_DIR="$OUT_ROOT/target" cargo test --workspace --profile mutants) \
        >"$OUT_ROOT/$tag/baseline-test.log" 2>&1 || { ci_log "the unmutated copy fails its tests: $OUT_ROOT/$tag/baseline-test.log"; return 4; }
    test_s="$(ci_elapsed "$start" "$(ci_now)")"
    # A mutant's build recompiles the workspace crates (not the dependencies): at most ten
    # minutes. Its tests may take three times the baseline's (never less than five minutes)
    # before it counts as timed out.
    build_t=600
    test_t="$(awk -v t="$test_s" 'BEGIN { t = 3 * t; if (t < 300) t = 300; printf "%d", t }')"
    ci_log "baseline: build ${build_s}s, tests ${test_s}s (whole workspace); timeouts: build ${build_t}s, tests ${test_t}s"
    start="$(ci_now)"
    ci_log "cargo mutants --workspace --in-place $* (in $work, output $OUT_ROOT/$tag)"
    (cd "$work" && CARGO_TARGET_DIR="$OUT_ROOT/target" cargo mutants --workspace --in-place --no-shuffle \
        --baseline skip --build-timeout "$build_t" --timeout "$test_t" \
        --output "$OUT_ROOT/$tag" "$@") || rc=$?
    ci_log "cargo mutants exited with $rc after $(ci_elapsed "$start" "$(ci_now)")s"
    if [ -f "$OUT_ROOT/$tag/mutants.out/outcomes.json" ]; then
        summary "$OUT_ROOT/$tag"
    fi
    case "$rc" in
        0) ;;
        2) ci_log "a mutant was missed: a test should fail on it (or mark it equivalent, with the reason, in .cargo/mutants.toml)" ;;
        3) ci_log "a mutant timed out (none was missed): see $OUT_ROOT/$tag/mutants.out/timeout.txt" ;;
        4) ci_log "the unmutated tree fails its tests: see $OUT_ROOT/$tag/mutants.out/log" ;;
    esac
    return "$rc"
}

[ "$#" -gt 0 ] || { usage; exit 2; }
mode="$1"
shift
arg=""
case "$mode" in
    --diff | --in-diff | --shard) [ "$#" -gt 0 ] || ci_die "$mode needs a value"; arg="$1"; shift ;;
esac
extra=()
if [ "${1:-}" = "--" ]; then
    shift
    extra=("$@")
elif [ "$mode" != --summary ] && [ "$#" -gt 0 ]; then
    ci_die "unexpected arguments: $* (pass cargo mutants' own after --)"
fi

case "$mode" in
    -h | --help) usage ;;
    --list)
        ensure_cargo_mutants
        cargo mutants --workspace --list "${extra[@]}"
        ci_log "$(cargo mutants --workspace --list "${extra[@]}" | wc -l) mutants in the full run"
        ;;
    --diff)
        git rev-parse --verify --quiet "$arg^{commit}" >/dev/null || ci_die "--diff: '$arg' is no commit"
        mkdir -p "$OUT_ROOT"
        diff="$OUT_ROOT/diff-$(git rev-parse --short "$arg").patch"
        git diff "$arg" -- . >"$diff"
        ci_log "the diff from $arg to the work tree: $(grep -c '^+++ ' "$diff" || true) files"
        run "diff" --in-diff "$diff" "${extra[@]}"
        ;;
    --in-diff)
        [ -f "$arg" ] || ci_die "--in-diff: no file '$arg'"
        run "diff" --in-diff "$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")" "${extra[@]}"
        ;;
    --shard)
        [[ "$arg" =~ ^([0-9]+)/([0-9]+)$ ]] || ci_die "--shard: expected K/N, e.g. 3/8, got '$arg'"
        k="${BASH_REMATCH[1]}"
        n="${BASH_REMATCH[2]}"
        [ "$k" -ge 1 ] && [ "$k" -le "$n" ] || ci_die "--shard: K must be 1..N, got '$arg'"
        # cargo-mutants numbers its shards from 0.
        # Round-robin: neighbouring mutants (one function, one file) cost alike, so each shard
        # takes every n-th one rather than a slice.
        run "shard-$k-of-$n" --shard "$((k - 1))/$n" --sharding round-robin "${extra[@]}"
        ;;
    --summary)
        [ "$#" -gt 0 ] || set -- "$OUT_ROOT"
        summary "$@"
        ;;
    *) ci_die "unknown mode '$mode' (see ci/mutants.sh --help)" ;;
esac
