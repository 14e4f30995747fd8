#!/usr/bin/env bash
# Checks CONTRIBUTING.md's steps for a new scenario end to end, in a throwaway copy of the work
# tree: the variant and its build() arm (ci/contributing/new-scenario.patch), then
# `verify bless --scenario stop-in-place`, then the reasons, then the gate.
#
#   ci/contributing.sh
#
# Red unless:
#   1. the patched model builds (nothing but the variant, its named! row and its build() arm);
#   2. bless explores exactly the new scenario's 45 cells, adds their rows and leaves every other
#      row of checks/data/pins.toml byte for byte as it was, and exits 1 because the new rows
#      have no reason yet;
#   3. the pins test then fails on exactly that (`every_row_has_a_reason`);
#   4. once each `why` is written, the pins test passes and `verify --scenario stop-in-place`
#      matches every new pin (exit 0).
# The copy lives in target/contributing (CONTRIBUTING_DIR to move it) and builds into its own
# target directory, seeded from target/release, so only the workspace crates are rebuilt.
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CI_ROOT"

DIR="${CONTRIBUTING_DIR:-$CI_ROOT/target/contributing}"
WORK="$DIR/work"
LOGS="$DIR/logs"
NEW=stop-in-place
export CARGO_TARGET_DIR="$DIR/target"
export CARGO_TERM_COLOR=never

rm -rf "$WORK" "$LOGS"
mkdir -p "$WORK" "$LOGS" "$CARGO_TARGET_DIR"
tar -C "$CI_ROOT" --exclude=./target --exclude=./fuzz/target --exclude=./.git \
    --exclude='*.snap.new' --exclude='*.pending-snap' -cf - . | tar -C "$WORK" -xmf -
if [ ! -d "$CARGO_TARGET_DIR/release" ] && [ -d "$CI_ROOT/target/release/deps" ]; then
    ci_log "seeding $CARGO_TARGET_DIR from target/release (dependencies are reused, not rebuilt)"
    cp -a "$CI_ROOT/target/release" "$CARGO_TARGET_DIR/" 2>/dev/null || true
fi
cd "$WORK"
PINS=checks/data/pins.toml
cp "$PINS" "$LOGS/pins.before.toml"

fail() { ci_log "contributing: $*"; exit 1; }

# Every [[pin]] block of one scenario removed (the blocks are separated by blank lines).
without() {
    awk -v s="scenario = \"$1\"" '
        BEGIN { RS = ""; ORS = "\n\n" }
        index($0, s) == 0 { print }
    ' "$2"
}

ci_log "1. the scenario: its variant, named! row and build() arm"
patch -p1 --quiet <"$CI_ROOT/ci/contributing/new-scenario.patch" || fail "the patch does not apply: refresh ci/contributing/new-scenario.patch"
cargo build --release --bin verify >"$LOGS/build.log" 2>&1 || fail "the patched model does not build (see $LOGS/build.log): CONTRIBUTING.md's steps are not enough"

ci_log "2. verify bless --scenario $NEW"
rc=0
target_verify="$CARGO_TARGET_DIR/release/verify"
"$target_verify" bless --scenario "$NEW" >"$LOGS/bless.out" 2>"$LOGS/bless.err" || rc=$?
[ "$rc" -eq 1 ] || fail "bless exited $rc, expected 1 (new rows without a reason): $(tail -3 "$LOGS/bless.err")"
new_cells="$(grep -c "^$NEW / .*: new$" "$LOGS/bless.out" || true)"
[ "$new_cells" -eq 45 ] || fail "bless listed $new_cells new cells of $NEW, expected 45 (9 policies x 3 dispatch modes with the worker AI, 3 policies x 2 other AI placements x 3 dispatch modes)"
[ "$(grep -vc "^$NEW / " "$LOGS/bless.out" || true)" -eq 0 ] || fail "bless changed cells of other scenarios: $(grep -v "^$NEW / " "$LOGS/bless.out" | head -3)"
cmp -s <(without "$NEW" "$PINS") <(without "$NEW" "$LOGS/pins.before.toml") \
    || fail "the rows of the other scenarios changed in $PINS"
rows="$(grep -c "^scenario = \"$NEW\"" "$PINS" || true)"
empty="$(grep -c '^why = ""$' "$PINS" || true)"
[ "$rows" -ge 1 ] && [ "$empty" -eq "$rows" ] || fail "$rows new rows, $empty without a reason: expected every new row, and only those, to need one"
ci_log "   $rows new rows for 45 cells, none with a reason yet"

ci_log "3. the pins test fails until they are explained"
rc=0
cargo test --release -p checks --test pins >"$LOGS/pins-red.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "the pins test passed with unexplained rows"
grep -q "every_row_has_a_reason ... FAILED" "$LOGS/pins-red.log" || fail "the pins test failed, but not on the missing reasons (see $LOGS/pins-red.log)"
[ "$(grep -c '\.\.\. FAILED' "$LOGS/pins-red.log")" -eq 1 ] || fail "more than the reason test failed (see $LOGS/pins-red.log)"

ci_log "4. reasons written: the pins test and the gate pass"
sed -i 's/^why = ""$/why = "a stop in place: the position write on the worker against the heartbeat, no aura in play"/' "$PINS"
cargo test --release -p checks --test pins >"$LOGS/pins-green.log" 2>&1 || fail "the pins test fails with every reason written (see $LOGS/pins-green.log)"
ci_require_tests_ran "$LOGS/pins-green.log" "pins" 10
cargo build --release --bin verify >>"$LOGS/build.log" 2>&1 || fail "rebuild failed"
"$target_verify" --scenario "$NEW" >"$LOGS/verify.out" 2>"$LOGS/verify.err" || fail "verify --scenario $NEW does not match its new pins: $(grep MISMATCH "$LOGS/verify.err" | head -3)"
ci_log "contributing: $(tail -1 "$LOGS/verify.err")"
ci_log "contributing: a new scenario takes its variant, named! row and build() arm, then bless and its reasons"
