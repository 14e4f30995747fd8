#!/usr/bin/env bash
# A short fuzz campaign per target (nightly, address sanitizer), each with a time budget.
#
#   ci/fuzz-smoke.sh            # 60 s per target
#   FUZZ_SECONDS=300 ci/fuzz-smoke.sh
#
# Without a nightly toolchain it prints a note and exits 0 (the stable replay of corpora and
# regressions, `cargo test -p checks --test fuzz_regressions`, still runs in the test suite).
# Installs cargo-fuzz when it is missing. New corpus entries go to fuzz/corpus-work/<target>/
# (ignored); the committed seeds in fuzz/corpus/<target>/ are read only.
#
# `schedule` and `packets` must find nothing. `schedule_unsynchronized` must find the race (a
# SpellAuras.cpp assert or a double effect) within the budget: a campaign that does not shows a
# harness without teeth, and fails.
set -euo pipefail

cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-60}"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz-smoke: SKIPPED, no nightly toolchain (rustup toolchain install nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz-smoke: installing cargo-fuzz"
  if ! cargo install cargo-fuzz --locked; then
    echo "fuzz-smoke: SKIPPED, cargo-fuzz could not be installed"
    exit 0
  fi
fi

cargo +nightly fuzz build

status=0
for target in schedule packets; do
  mkdir -p "corpus-work/$target"
  echo "fuzz-smoke: $target for ${seconds}s"
  if ! cargo +nightly fuzz run "$target" "corpus-work/$target" "corpus/$target" -- \
      -seed=1 -max_total_time="$seconds" -print_final_stats=1; then
    echo "fuzz-smoke: $target FOUND something; the input is in fuzz/artifacts/$target/"
    status=1
  fi
done

# The race hunt starts from the seeds only (a fresh working corpus), so the count of runs it
# takes stays comparable between campaigns.
target=schedule_unsynchronized
work="$(mktemp -d)"
log="$work/log"
echo "fuzz-smoke: $target for at most ${seconds}s, expecting the race"
if cargo +nightly fuzz run "$target" "$work" "corpus/$target" -- \
    -seed=1 -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/" >"$log" 2>&1; then
  echo "fuzz-smoke: $target found NO race in ${seconds}s: the harness has no teeth"
  tail -n 20 "$log"
  status=1
else
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  if grep -q 'found: the race' "$log"; then
    echo "fuzz-smoke: $target found the race after ${runs:-?} runs: $(grep -o 'the race: .*' "$log" | head -n 1)"
  else
    echo "fuzz-smoke: $target failed with something other than the race"
    tail -n 40 "$log"
    status=1
  fi
fi
rm -rf "$work"
exit "$status"
