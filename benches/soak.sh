#!/usr/bin/env bash
# Soak every live demo: start, run, cancel, in a loop (default 10 minutes).
#   benches/soak.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --example soak -- "${1:-600}"
