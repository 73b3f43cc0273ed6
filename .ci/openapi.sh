#!/usr/bin/env bash
# The OpenAPI description (authflow/openapi.yaml), unchanged, in the tools
# integrators use, each run against the demo server (go build ./examples/server):
#   1. Redocly CLI lints it with its recommended rules, none skipped: no error,
#      no warning.
#   2. oapi-codegen generates a Go client in a temporary module outside this one,
#      and .ci/openapi/main.go checks that it decodes every fixture into typed
#      fields with no loss of precision, and the errors into their typed envelopes.
#   3. ogen generates a Go client likewise, and .ci/openapi/ogen/main.go checks
#      that it has every operation and decodes the 200s, 400, 401, 404, 405 and
#      HEAD's headers.
#   4. openapi-typescript generates TypeScript types, and tsc --strict accepts
#      .ci/openapi/typescript/check.ts, which reads every field of the summary
#      and of the error envelope into a variable of its plain type.
#   5. Prism mocks the API with bodies it generates from the schemas, and
#      .ci/openapi/prism/main.go checks that this module's client accepts at
#      least 95 of 100 of them.
# Each step prints what the tool made of the description.
# Run from anywhere; needs Go, network access to the Go module proxy and the npm
# registry, and Node.js (installed with apt-get when missing). Debian 12's
# Node.js 18 runs every tool but Redocly 2, for which it takes Redocly 1, and
# Prism, which declares Node.js 18.20.1 or later and runs on 18.19 too.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="/usr/local/go/bin:$PATH"

OAPI_CODEGEN_VERSION=v2.8.2 # the first line with OpenAPI 3.1 (type: [T, "null"]) is v2.6
OAPI_RUNTIME_VERSION=v1.8.0 # what the generated client imports (v1.9 needs Go 1.26)
OGEN_VERSION=v1.25.0
REDOCLY_VERSION=2.77.0 # needs Node.js 20.19 or later
REDOCLY_NODE18_VERSION=1.34.20
OPENAPI_TYPESCRIPT_VERSION=7.13.0
TYPESCRIPT_VERSION=5.9.3
PRISM_VERSION=5.14.2 # the last before 5.15, which needs Node.js 24

work=$(mktemp -d)
pids=()   # processes this script started
groups=() # process groups it started (npx and the node processes it starts)
cleanup() {
  for g in "${groups[@]}"; do kill -- "-$g" 2>/dev/null || true; done
  for pid in "${pids[@]}" "${groups[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v npx >/dev/null 2>&1; then
  echo "installing Node.js and npm (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

echo "--- redocly lint (recommended rules, none skipped)"
redocly=$REDOCLY_VERSION
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  redocly=$REDOCLY_NODE18_VERSION # Debian's Node.js 18
fi
echo "@redocly/cli@$redocly on Node.js $(node --version)"
npx --yes "@redocly/cli@$redocly" lint --format=stylish authflow/openapi.yaml 2>&1 |
  grep -v '^\s*$' | tee "$work/redocly.out" | grep -vE '^\s*[║╔╚]' || true
# lint fails on errors only: a warning fails here.
if ! grep -q 'Your API description is valid' "$work/redocly.out" || grep -qiE '[0-9]+ warnings?\b' "$work/redocly.out"; then
  echo "redocly: errors or warnings above"; exit 1
fi
echo "redocly: no error, no warning"

echo "--- the demo server"
go build -o "$work/server" ./examples/server
"$work/server" -addr 127.0.0.1:0 -token ci-token >"$work/server.out" 2>"$work/server.log" &
pids+=($!)
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on //p' "$work/server.out")
  [ -n "$url" ] && break
  kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the demo server did not start"; cat "$work/server.log"; exit 1; }
echo "demo server at $url"

# A module of its own that requires this one, for a check program.
module() {
  mkdir -p "$1"
  cat >"$1/go.mod" <<EOF
module $2

go 1.25.0

require github.com/authflow-dev/authflow-go v0.0.0

replace github.com/authflow-dev/authflow-go => $root
EOF
}

echo "--- oapi-codegen $OAPI_CODEGEN_VERSION: a Go client in a module of its own"
module "$work/check" openapicheck
cat >"$work/check/oapi-codegen.yaml" <<EOF
package: client
generate:
  client: true
  models: true
output: client/client.gen.go
EOF
cp .ci/openapi/main.go "$work/check/main.go"
mkdir -p "$work/check/prism"
cp .ci/openapi/prism/main.go "$work/check/prism/main.go"
(
  cd "$work/check"
  go run "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@$OAPI_CODEGEN_VERSION" \
    -config oapi-codegen.yaml "$root/authflow/openapi.yaml"
  go get "github.com/oapi-codegen/runtime@$OAPI_RUNTIME_VERSION"
  go mod tidy
  go vet ./...
  go build -o check .
  go build -o prismcheck ./prism
)
# What "at" became in the generated types: a decimal, not a float.
grep -E '^type UnixTime |^\s+At ' "$work/check/client/client.gen.go" | sed -E 's/^\s*/oapi-codegen: generated: /'
"$work/check/check" -url "$url" -token ci-token | sed 's/^/oapi-codegen: /'

echo "--- ogen $OGEN_VERSION: a Go client in a module of its own"
module "$work/ogen" ogencheck
cp .ci/openapi/ogen/main.go "$work/ogen/main.go"
(
  cd "$work/ogen"
  # ogen fails on what it cannot generate, unless told to skip it; the
  # check program also finds a method for every operationId.
  go run "github.com/ogen-go/ogen/cmd/ogen@$OGEN_VERSION" --target api --package api --clean \
    "$root/authflow/openapi.yaml" 2>&1 | grep -vE 'Header name is not canonical|Convenient errors are not available' || true
  [ -f api/oas_client_gen.go ] || { echo "ogen generated no client"; exit 1; }
  go get "github.com/ogen-go/ogen@$OGEN_VERSION"
  go mod tidy
  go vet ./...
  go build -o check .
)
grep -E '^type (UnixTime|LatLong|AuthflowStatus|ErrorCode) |^\s+RemoteIP ' "$work/ogen/api/oas_schemas_gen.go" | sed -E 's/^\s*/ogen: generated: /'
"$work/ogen/check" -url "$url" -token ci-token

echo "--- openapi-typescript $OPENAPI_TYPESCRIPT_VERSION and tsc $TYPESCRIPT_VERSION --strict"
mkdir -p "$work/ts"
cp .ci/openapi/typescript/check.ts "$work/ts/check.ts"
(
  cd "$work/ts"
  npx --yes "openapi-typescript@$OPENAPI_TYPESCRIPT_VERSION" "$root/authflow/openapi.yaml" -o api.d.ts 2>&1 | grep -v '^✨'
  npx --yes -p "typescript@$TYPESCRIPT_VERSION" tsc --strict --noEmit --target es2022 --module esnext \
    --moduleResolution bundler check.ts
)
grep -E '^\s+(remote_ip|at|lat_long|status|code|first_seen|required_email): |^\s+(UnixTime|AuthflowStatus|ErrorCode): ' "$work/ts/api.d.ts" |
  sed -E 's/^\s*/openapi-typescript: generated: /'
sed -n '/LatLong: \[/,/\];/p' "$work/ts/api.d.ts" | tr -s ' \n' ' ' | sed -E 's/^\s*/openapi-typescript: generated: /; s/$/\n/'
echo "typescript: tsc --strict accepts .ci/openapi/typescript/check.ts: every field of the summary and of the error envelope read as its plain type"

echo "--- Prism $PRISM_VERSION: a mock with generated bodies, and this module's client"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
setsid npx --yes "@stoplight/prism-cli@$PRISM_VERSION" mock --dynamic --host 127.0.0.1 --port "$port" \
  authflow/openapi.yaml >"$work/prism.log" 2>&1 &
groups+=($!)
for _ in $(seq 1 600); do
  grep -q 'Prism is listening' "$work/prism.log" && break
  kill -0 "${groups[-1]}" 2>/dev/null || { cat "$work/prism.log"; exit 1; }
  sleep 0.1
done
grep -q 'Prism is listening' "$work/prism.log" || { echo "Prism did not start"; cat "$work/prism.log"; exit 1; }
"$work/check/prismcheck" -url "http://127.0.0.1:$port" -n 100 -min 95
