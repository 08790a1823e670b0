#!/usr/bin/env bash
# Prints, from a `ctest -V` log, the failed tests and the last lines each of them printed.
set -euo pipefail
log=$1
numbers=$(sed -n '/The following tests FAILED:/,$p' "$log" | grep -oE "^[[:space:]]+[0-9]+ - " |
  tr -dc '0-9\n' || true)
for n in $numbers; do
  echo "--- failed test #$n, last lines:"
  grep -E "^$n: " "$log" | tail -25
done
sed -n '/The following tests FAILED:/,$p' "$log"
