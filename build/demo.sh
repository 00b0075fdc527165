#!/usr/bin/env bash
# The README's main command: runs the whole job end to end on the embedded default -- Azurite on
# loopback, the synthetic RefShapes dataset, the trained Tiny model in models/ -- through the same
# queues, workers and aggregator the Azure deployment uses. Extra arguments go to `vpd demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x tools/azurite/node_modules/.bin/azurite ]; then
  npm ci --prefix tools/azurite --no-audit --no-fund --loglevel=error
fi
dotnet build src/Vpd.Cli -c Release -nologo -v:q -warnaserror -warnnotaserror:NU1603
exec src/Vpd.Cli/bin/Release/net10.0/vpd demo "$@"
