#!/bin/sh
# One-shot (temporal-search-attributes): the custom search attributes operators filter by in the UI,
# SEARCH_ATTRIBUTES="Name=Type ..." (test/e2e checks the list against CUSTOM_SEARCH_ATTRIBUTES in workflows/messages.ts).
set -eu
NS=${NAMESPACE:-default}
for attempt in $(seq 1 30); do
  existing=$(temporal operator search-attribute list -n "$NS" --address "$TEMPORAL_ADDRESS" 2>/dev/null) && break
  echo "waiting for namespace $NS ($attempt)"; sleep 2
done
for sa in $SEARCH_ATTRIBUTES; do
  name=${sa%%=*} type=${sa#*=}
  if printf '%s\n' "$existing" | grep -qw "$name"; then echo "search attribute $name exists"; continue; fi
  temporal operator search-attribute create -n "$NS" --name "$name" --type "$type" --address "$TEMPORAL_ADDRESS"
done
temporal operator search-attribute list -n "$NS" --address "$TEMPORAL_ADDRESS"
