#!/usr/bin/env bash
# The OpenAPI description (authflow/openapi.yaml) in the tools integrators use:
#   1. Redocly CLI lints it with its recommended rules.
#   2. oapi-codegen generates a Go client from it, in a temporary module outside
#      this one, and .ci/openapi/main.go checks, against a running demo server,
#      that the client decodes every fixture into typed fields with no loss of
#      precision, and the errors into their typed envelopes.
# Run from anywhere; needs Go, network access to the Go module proxy and the npm
# registry, and Node.js (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="/usr/local/go/bin:$PATH"

OAPI_CODEGEN_VERSION=v2.8.2 # the first line with OpenAPI 3.1 (type: [T, "null"]) is v2.6
OAPI_RUNTIME_VERSION=v1.8.0 # what the generated client imports (v1.9 needs Go 1.26)
REDOCLY_VERSION=2.77.0      # needs Node.js 20.19 or later
REDOCLY_NODE18_VERSION=1.34.20

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "--- redocly lint"
if ! command -v npx >/dev/null 2>&1; then
  echo "installing Node.js and npm (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
redocly=$REDOCLY_VERSION
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  redocly=$REDOCLY_NODE18_VERSION # Debian's Node.js 18
fi
echo "@redocly/cli@$redocly on Node.js $(node --version)"
# An OPTIONS operation that only ever answers 405 is the point of describing
# it, so the rule that wants a 2XX response for every operation is skipped.
npx --yes "@redocly/cli@$redocly" lint --format=stylish \
  --skip-rule=operation-2xx-response authflow/openapi.yaml

echo "--- oapi-codegen $OAPI_CODEGEN_VERSION: a Go client in a module of its own"
mkdir -p "$work/check/client"
cat >"$work/check/go.mod" <<EOF
module openapicheck

go 1.25.0

require github.com/authflow-dev/authflow-go v0.0.0

replace github.com/authflow-dev/authflow-go => $root
EOF
cat >"$work/check/oapi-codegen.yaml" <<EOF
package: client
generate:
  client: true
  models: true
output: client/client.gen.go
EOF
cp .ci/openapi/main.go "$work/check/main.go"
(
  cd "$work/check"
  go run "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@$OAPI_CODEGEN_VERSION" \
    -config oapi-codegen.yaml "$root/authflow/openapi.yaml"
  go get "github.com/oapi-codegen/runtime@$OAPI_RUNTIME_VERSION"
  go mod tidy
  go vet ./...
  go build -o check .
)
# What "at" became in the generated types: a decimal, not a float.
grep -E '^type UnixTime |^\s+At ' "$work/check/client/client.gen.go" | sed -E 's/^\s*/generated: /'

echo "--- the generated client against the demo server"
go build -o "$work/server" ./examples/server
"$work/server" -addr 127.0.0.1:0 -token ci-token >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on //p' "$work/server.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the demo server did not start"; cat "$work/server.log"; exit 1; }
"$work/check/check" -url "$url" -token ci-token
