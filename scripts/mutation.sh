#!/usr/bin/env bash
# Mutation testing (StrykerJS), one area after another: bash scripts/mutation.sh [area...]
# Areas: library library-core library-log library-otel init receiver decoders store query (default: library receiver decoders store query;
# library-core, library-log and library-otel are the parts of library).
# Reports: reports/mutation/<area>/index.html (HTML), report.txt (the clear-text report), mutation.json.
# MUTATION_CONCURRENCY (default 2) sets Stryker's concurrency.
set -euo pipefail
cd "$(dirname "$0")/.."
areas=("$@")
if [ ${#areas[@]} -eq 0 ]; then areas=(library receiver decoders store query); fi
for area in "${areas[@]}"; do
  mkdir -p "reports/mutation/$area"
  echo "== mutation testing: $area"
  MUTATION_AREA="$area" npx stryker run stryker.config.mjs 2>&1 | tee "reports/mutation/$area/report.txt"
done
