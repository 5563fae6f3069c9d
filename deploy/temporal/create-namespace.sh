#!/bin/sh
# One-shot (temporal-create-namespace): the namespace the service runs in, once the frontend is healthy.
set -eu
NS=${NAMESPACE:-default}
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do echo 'waiting for Temporal'; sleep 2; done
if temporal operator namespace describe -n "$NS" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NS exists"
else
  temporal operator namespace create -n "$NS" --retention "${NAMESPACE_RETENTION:-168h}" --address "$TEMPORAL_ADDRESS"
fi
