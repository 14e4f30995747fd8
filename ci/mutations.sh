#!/usr/bin/env bash
# Shows that the gate catches concurrency regressions: applies known-bad changes to the model
# (ci/mutations/*.patch), one at a time, in a throwaway copy of the work tree, and checks that
# the gate stage that should catch each one turns red with it and green again without it.
#
#   ci/mutations.sh             # every mutation
#   ci/mutations.sh 03 06       # only the mutations whose names start with these prefixes
#   ci/mutations.sh --list
#
# The copy lives in target/mutations/work (MUTATIONS_DIR to move it) and builds into
# target/mutations/target, shared by every mutation (seeded from target/release when empty), so
# only the model and checks crates are rebuilt per mutation. The work tree itself is never
# touched. Results: target/mutations/results.md, and the table printed at the end.
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CI_ROOT"

# name | what it breaks | gate stage | VERIFY_ARGS (verify) or TEST_ARGS (tests)
# The stage is the cheapest one expected to catch the mutation: the verify matrix restricted to
# the cells whose pinned truth it changes, or one test binary.
MUTATIONS=(
    "01-seed-drops-cast-spell|CMSG_CAST_SPELL dropped from the seed's spell set (row removed from model/data/seed-classifier-opcodes.tsv)|verify|--policy seed-deferral --scenario crash-49416 --checker loom"
    "02-deferred-pass-before-maps-joined|the deferred pass runs on the world thread before MapManager::Update joins the map workers (model/src/world/tick.rs)|verify|--policy seed-deferral,complete-deferral --checker loom"
    "03-deferred-queue-unlocked|queue_deferred pushes without holding the deferred queue's lock across the update: lock+copy, unlock, push to the copy, lock+store (model/src/session.rs)|tests|-p checks --test session_lifecycle_loom"
    "04-deferred-limit-removed|ProcessDeferredPackets loses its 50-per-call bound (while n < MAX_DEFERRED_PER_CALL -> loop)|tests|-p model --test seed_unit_plan"
    "05-complete-keeps-move-stop-on-worker|CompleteClassifier keeps HandlerKind::MoveStop (area update + autocast) on the bot worker|verify|--policy complete-deferral --scenario move-stop-49416 --checker loom"
    "06-area-update-skips-compare|UpdateZoneAndAreaId skips its compare (if last != area -> if true)|tests|-p model --test player_steps"
    "07-queue-skips-head-of-line|LockedQueue::next takes the first packet the filter accepts anywhere in the queue, not only the front (model/src/session.rs)|verify|--policy map-routing --scenario mixed-places --checker loom --bound none"
    "08-map-takes-world-thread-packets|the map filter takes THREADUNSAFE packets of an in-world player (model/src/session.rs)|verify|--policy map-routing --scenario mixed-places --checker loom --bound none"
    "09-join-records-no-edge|a join (MapUpdater::wait, the barrier) records no happens-before edge for the detector (model/src/field.rs)|verify|--policy complete-deferral --dispatch barrier --checker loom"
    "10-row-fit-reads-quest-log|49416's spell_area row fits on 14078 being in the quest log instead of its quest_start_status mask (rewarded) (model/src/quest.rs)|tests|-p model --test quest_row"
    "11-cancel-removes-49416|CMSG_CANCEL_AURA of 49416 removes it again: the SPELL_ATTR0_NO_AURA_CANCEL refusal is gone (model/src/player.rs)|tests|-p model --test quest_row"
    "12-group-of-two-survives-a-leave|Group::RemoveMember skips the Disband of a group of two (Group.cpp:685): the group survives the first leave (model/src/group.rs)|tests|-p model --test group_leave"
    "13-threadsafe-queries-world-global|the rule naming CMSG_WHO, CMSG_DF_GET_SYSTEM_INFO, CMSG_DF_GET_JOIN_STATUS and CMSG_ACCEPT_WARGAME_INVITE shared reads is removed: world-global again (model/src/opcodes/rules.rs)|tests|-p checks --test classifier_properties"
    "14-map-update-skips-update-target-map|Player::Update's _UpdateSpells runs no Aura::UpdateOwner, so no UpdateTargetMap (model/src/player.rs)|tests|-p model --test player_steps"
    "15-prepare-adds-no-spell-event|Spell::prepare adds no SpellEvent to the caster's m_Events (model/src/player.rs)|tests|-p model --test player_steps"
    "16-refresh-skips-reapply|ModStackAmount's SetStackAmount skips AuraEffect::ChangeAmount(REAPPLY) (model/src/aura/hit.rs)|tests|-p model --test player_steps"
    "17-action-queue-acts-on-the-worker|the action queue's placement queues nothing: the worker's AI acts directly (model/src/policy.rs)|tests|-p checks --test ai_placement_loom"
    "18-map-thread-ai-runs-on-the-worker|the map-thread AI runs on the bot worker instead of inside Player::Update (model/src/policy.rs)|tests|-p checks --test ai_placement_loom"
    "19-group-leave-not-queued|mod-playerbots' group queue takes no group operation: the AI's leave runs on the map thread (model/src/ai.rs)|tests|-p checks --test ai_placement_loom"
    "20-party-buff-hits-the-caster-only|the party buff's hit lands on the caster alone, not on its raid (model/src/world/ai.rs)|tests|-p model --test ai_actions"
    "21-map-update-skips-creatures|Map::Update visits no creature: Creature::Update never runs (model/src/world/map.rs)|tests|-p model --test ai_actions"
    "22-respawn-skips-objects-store|ProcessRespawns adds the creature without inserting it into _objectsStore (model/src/world/map.rs)|tests|-p model --test ai_actions"
)

MUT_DIR="${MUTATIONS_DIR:-$CI_ROOT/target/mutations}"
WORK="$MUT_DIR/work"
ORIG="$MUT_DIR/orig"
LOGS="$MUT_DIR/logs"
RESULTS="$MUT_DIR/results.md"
export CARGO_TARGET_DIR="$MUT_DIR/target"
export CARGO_TERM_COLOR=never

if [ "${1:-}" = "--list" ]; then
    for m in "${MUTATIONS[@]}"; do
        IFS='|' read -r name what stage args <<<"$m"
        printf '%-40s %-7s %s\n    %s\n' "$name" "$stage" "$args" "$what"
    done
    exit 0
fi
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

SELECTED=()
for m in "${MUTATIONS[@]}"; do
    name="${m%%|*}"
    [ -f "ci/mutations/$name.patch" ] || ci_die "ci/mutations/$name.patch is missing"
    if [ "$#" -eq 0 ]; then
        SELECTED+=("$m")
    else
        for p in "$@"; do
            case "$name" in "$p"*) SELECTED+=("$m"); break ;; esac
        done
    fi
done
[ "${#SELECTED[@]}" -gt 0 ] || ci_die "no mutation matches: $*"

# ------------------------------------------------------------------------- the throwaway copy

ci_log "copying the work tree to $WORK (without target/, fuzz/target/, .git/)"
rm -rf "$WORK" "$ORIG" "$LOGS"
mkdir -p "$WORK" "$ORIG" "$LOGS" "$CARGO_TARGET_DIR"
tar -C "$CI_ROOT" --exclude=./target --exclude=./fuzz/target --exclude=./.git \
    --exclude='*.snap.new' --exclude='*.pending-snap' -cf - . | tar -C "$WORK" -xmf -
if [ ! -d "$CARGO_TARGET_DIR/release" ] && [ -d "$CI_ROOT/target/release/deps" ]; then
    ci_log "seeding $CARGO_TARGET_DIR from target/release (dependencies are reused, not rebuilt)"
    cp -a "$CI_ROOT/target/release" "$CARGO_TARGET_DIR/" 2>/dev/null || true
fi

patch_files() { sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "$1"; }

# Builds what a stage runs (so the stage's own time is the check, not the compile).
# Prints the seconds; returns non-zero when the build fails.
prebuild() {
    local stage="$1" args="$2" log="$3" start rc=0
    start="$(ci_now)"
    # shellcheck disable=SC2086
    case "$stage" in
        verify) (cd "$WORK" && cargo build --release --bin verify) >"$log" 2>&1 || rc=$? ;;
        tests) (cd "$WORK" && cargo test $args --release --no-run) >"$log" 2>&1 || rc=$? ;;
    esac
    ci_elapsed "$start" "$(ci_now)"
    return "$rc"
}

# Runs one gate stage in the copy; prints the seconds; returns the gate's status.
run_stage() {
    local stage="$1" args="$2" tag="$3" start rc=0
    start="$(ci_now)"
    if [ "$stage" = verify ]; then
        (cd "$WORK" && VERIFY_ARGS="$args" GATE_LOG_DIR="$LOGS/$tag" ci/gate.sh verify) >"$LOGS/$tag.log" 2>&1 || rc=$?
    else
        (cd "$WORK" && TEST_ARGS="$args" GATE_LOG_DIR="$LOGS/$tag" ci/gate.sh "$stage") >"$LOGS/$tag.log" 2>&1 || rc=$?
    fi
    ci_elapsed "$start" "$(ci_now)"
    return "$rc"
}

# ---------------------------------------------------------------------------------- baseline

ci_log "baseline: every selected check must be green on the unmutated copy"
declare -A BASE_OK
secs="$(prebuild verify "" "$LOGS/baseline-build.log")" || ci_die "the unmutated copy does not build: see $LOGS/baseline-build.log"
ci_log "baseline build: ${secs}s"
for m in "${SELECTED[@]}"; do
    IFS='|' read -r name what stage args <<<"$m"
    if [ "$stage" = tests ]; then
        prebuild tests "$args" "$LOGS/baseline-$name-build.log" >/dev/null || true
    fi
    if secs="$(run_stage "$stage" "$args" "baseline-$name")"; then
        BASE_OK[$name]=1
        ci_log "baseline $name: $stage green (${secs}s)"
    else
        BASE_OK[$name]=0
        ci_log "baseline $name: $stage is RED without any mutation (see $LOGS/baseline-$name.log): this mutation cannot be judged"
    fi
done

# --------------------------------------------------------------------------------- mutations

ROWS=()
ALL_OK=1
for m in "${SELECTED[@]}"; do
    IFS='|' read -r name what stage args <<<"$m"
    patchfile="$CI_ROOT/ci/mutations/$name.patch"
    printf '\n==> %s: %s\n' "$name" "$what" >&2
    if [ "${BASE_OK[$name]}" != 1 ]; then
        ROWS+=("$name|$stage $args|baseline red|-|-|-")
        ALL_OK=0
        continue
    fi
    files="$(patch_files "$patchfile")"
    for f in $files; do
        mkdir -p "$ORIG/$(dirname "$f")"
        cp "$WORK/$f" "$ORIG/$f"
    done
    if ! (cd "$WORK" && patch -p1 --forward --batch --dry-run --no-backup-if-mismatch <"$patchfile") >"$LOGS/$name-patch.log" 2>&1; then
        ci_log "$name: the patch no longer applies to the model (see $LOGS/$name-patch.log); refresh ci/mutations/$name.patch"
        cat "$LOGS/$name-patch.log" >&2
        ROWS+=("$name|$stage $args|patch did not apply|-|-|-")
        ALL_OK=0
        continue
    fi
    (cd "$WORK" && patch -p1 --forward --batch --no-backup-if-mismatch <"$patchfile") >>"$LOGS/$name-patch.log" 2>&1
    for f in $files; do
        if cmp -s "$WORK/$f" "$ORIG/$f"; then
            ci_die "$name: $f is unchanged after the patch: the mutation did not apply"
        fi
    done
    ci_log "$name: applied to $(echo "$files" | tr '\n' ' ')"

    caught="no"
    check_secs="-"
    if build_secs="$(prebuild "$stage" "$args" "$LOGS/$name-build.log")"; then
        if check_secs="$(run_stage "$stage" "$args" "$name-red")"; then
            caught="NO"
        else
            caught="yes"
        fi
    else
        caught="yes (build failed)"
        check_secs="0"
    fi
    ci_log "$name: caught: $caught (check ${check_secs}s after a ${build_secs}s rebuild)"
    grep -aE 'MISMATCH|panicked|FAILED|failed|error' "$LOGS/$name-red.log" 2>/dev/null | head -n 8 >&2 || true

    # Revert: the pristine files, with a new mtime so cargo rebuilds them.
    for f in $files; do
        cp "$ORIG/$f" "$WORK/$f"
        touch "$WORK/$f"
    done
    green="no"
    prebuild "$stage" "$args" "$LOGS/$name-rebuild.log" >/dev/null || true
    if green_secs="$(run_stage "$stage" "$args" "$name-green")"; then
        green="yes"
    fi
    ci_log "$name: green again without it: $green (${green_secs}s)"
    [ "$caught" != "NO" ] && [ "$green" = yes ] || ALL_OK=0
    ROWS+=("$name|$stage $args|$caught|$check_secs|$build_secs|$green")
done

# ----------------------------------------------------------------------------------- report

{
    echo "| mutation | gate stage (arguments) | caught | check s | rebuild s | green again |"
    echo "|---|---|---|---|---|---|"
    for r in "${ROWS[@]}"; do
        IFS='|' read -r name st caught cs bs green <<<"$r"
        echo "| \`$name\` | \`$st\` | $caught | $cs | $bs | $green |"
    done
} >"$RESULTS"
printf '\nMutation results (%s)\n\n' "$RESULTS"
cat "$RESULTS"
if [ "$ALL_OK" = 1 ]; then
    echo
    echo "every mutation was caught, and the gate is green again without it"
else
    echo
    echo "some mutation was not caught or did not turn green again: see $LOGS"
    exit 1
fi
