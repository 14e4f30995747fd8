#!/bin/bash -eu
# Builds the fuzz targets that must never crash, with the sanitizer ClusterFuzzLite asks for
# (cargo fuzz reads $SANITIZER's flags from RUSTFLAGS set by the base image), and ships each
# with its committed seeds.
#
# schedule_unsynchronized is left out on purpose: it crashes by design (it hunts the race of the
# unsynchronized policy) and is run by ci/fuzz-smoke.sh instead.
cd "$SRC/aura-model/fuzz"
cargo fuzz build -O --debug-assertions
release=target/x86_64-unknown-linux-gnu/release
for target in schedule packets; do
  cp "$release/$target" "$OUT/"
  (cd "corpus/$target" && zip -q "$OUT/${target}_seed_corpus.zip" seed-*)
done
