# Shared helpers for the ci/ scripts. Source it; do not run it.
# shellcheck shell=bash

# The repository root (the parent of ci/).
CI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CI_ROOT

ci_log() { printf '[ci] %s\n' "$*" >&2; }
ci_die() { printf '[ci] error: %s\n' "$*" >&2; exit 2; }

# Seconds since the epoch, with a fraction when `date` has one.
ci_now() { date +%s.%N 2>/dev/null || date +%s; }
ci_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Adds a rustup component (rustfmt, clippy) when its cargo subcommand is missing.
ci_ensure_component() {
    local component="$1" probe="$2"
    if ! cargo "$probe" --version >/dev/null 2>&1; then
        command -v rustup >/dev/null 2>&1 || ci_die "cargo $probe is missing and rustup is not installed"
        ci_log "cargo $probe is missing: rustup component add $component"
        rustup component add "$component"
    fi
}

# Sums the "N passed" of every `test result:` line of a cargo test log.
ci_passed_count() {
    local log="$1"
    grep -aE '^test result: (ok|FAILED)\. [0-9]+ passed' "$log" \
        | sed -E 's/^test result: [A-Za-z]+\. ([0-9]+) passed.*/\1/' \
        | awk '{ s += $1 } END { print s + 0 }'
}

# Number of `test result:` lines (one per test binary and doc-test run).
ci_result_lines() {
    local log="$1"
    grep -acE '^test result: (ok|FAILED)\.' "$log" || true
}

# Fails (returns 1) when a cargo test log reports no executed test at all.
ci_require_tests_ran() {
    local log="$1" what="$2" min="${3:-1}"
    local passed binaries
    passed="$(ci_passed_count "$log")"
    binaries="$(ci_result_lines "$log")"
    ci_log "$what: $passed tests passed across $binaries test binaries"
    if [ "$binaries" -eq 0 ]; then
        ci_log "$what: no 'test result:' line in the output: no test binary ran"
        return 1
    fi
    if [ "$passed" -lt "$min" ]; then
        ci_log "$what: executed $passed tests, fewer than the required $min: a suite that runs nothing proves nothing"
        return 1
    fi
}
