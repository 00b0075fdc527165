#!/usr/bin/env bash
# What sharing latents between two heads of one backbone saves (docs/noise-study.md): two runs of the first 200 val
# objects with the T = 0 and T = 100 heads of a noise study, worked together by one `vpd work` process, with
# VPD_SHARE_LATENTS=true and false alternated. Needs Azurite answering on the default ports (started here in memory).
# Usage: build/bench/shared-latents.sh VPD STUDY_DIR DATA [ROUNDS]
set -euo pipefail
vpd=$1; study=$2; data=$3; rounds=${4:-2}
root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/tools/azurite/node_modules/.bin/azurite" --inMemoryPersistence --silent --skipApiVersionCheck --loose --disableTelemetry >/dev/null 2>&1 &
azurite=$!
trap 'kill $azurite' EXIT
sleep 4
oiou() { "$vpd" metrics --run "$1" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["counts"]["succeeded"], round(d["oIoU"]*100,2))'; }
for round in $(seq 1 "$rounds"); do
  for share in true false; do
    a=lat-r$round-$share-t0; b=lat-r$round-$share-t100
    "$vpd" enqueue --data "$data" --dataset refshapes --split val --limit 200 --run $a --model "$study/train/t0-s1/last.safetensors" >/dev/null 2>&1
    "$vpd" enqueue --data "$data" --dataset refshapes --split val --limit 200 --run $b --model "$study/train/t100-s1/last.safetensors" --noise-step 100 >/dev/null 2>&1
    start=$(date +%s.%N)
    # The runs' messages queue in order, so the second run ends after both are processed.
    VPD_SHARE_LATENTS=$share "$vpd" work --workers 2 --run $b >/dev/null 2>&1
    end=$(date +%s.%N)
    echo -e "VPD_SHARE_LATENTS=$share\tround $round\t$(python3 -c "print(round($end-$start,1))") s\t$(oiou $a)\t$(oiou $b)"
  done
done
