#!/usr/bin/env bash
# Pipeline throughput against run size, builds alternated in one sitting: for each round, each given vpd binary runs
# `vpd bench pipeline --workers 2` at 2,000 and at 20,000 sentences (a fresh in-memory Azurite each time).
# Usage: build/bench/pipeline-run-size.sh ROUNDS VPD [VPD ...]   (e.g. an older build's and this one's vpd)
# Prints: binary, sentences, round, sentences/s, process seconds, enqueue seconds.
set -euo pipefail
rounds=$1; shift
for round in $(seq 1 "$rounds"); do
  for vpd in "$@"; do
    for n in 2000 20000; do
      json=$("$vpd" bench pipeline --sentences "$n" --workers 2 --json 2>/dev/null | grep '^{' | tail -1)
      echo "$json" | python3 -c "import json,sys; d=json.load(sys.stdin); print('$vpd', $n, $round, round(d['sentencesPerSecond'],1), round(d['processSeconds'],2), round(d['enqueueSeconds'],2), sep='\t')"
    done
  done
done
