#!/usr/bin/env bash
# A long fuzzing run of every loader, renderer and the grader (tests/fuzz.rs
# and the lesson-loader fuzz in tests/content_loader.rs), bounded in time.
# Not part of CI: CI runs the same properties with a few hundred cases.
#   benches/fuzz.sh [CASES]      (default 20000 per property)
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-20000}"
start=$(date +%s)
PROPTEST_CASES="$cases" timeout 1800 cargo test --release --test fuzz --test content_loader -- --test-threads=2
echo "fuzz: $cases cases per property, $(( $(date +%s) - start )) s"
