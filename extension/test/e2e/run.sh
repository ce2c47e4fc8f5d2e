#!/bin/sh
# Runs the end-to-end tests (extension/test/e2e/*.e2e.test.mjs, or the files given) with node's test runner, one file at a time:
# installs the code-server runtime first if it is missing (install-runtime.sh), and packages the extension
# (`npm run package`) when there is no .vsix for this platform (extension/agentcode-<platform>-*.vsix) or the
# sources changed since it was built. AGENTCODE_VSIX=path skips packaging and tests that .vsix.
# AGENTCODE_E2E_KEEP=1 keeps the temp dirs. Needs chromium (/usr/bin/chromium), the .NET SDK to package (code-server
# and the extension run with dotnet hidden from their PATH), and for the runtime install g++, make, python3, libkrb5-dev.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

if [ ! -e "$here/runtime/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build" ]; then
  sh "$here/install-runtime.sh"
fi

if [ -z "${AGENTCODE_VSIX:-}" ]; then
  platform="$(node -p 'process.platform + "-" + process.arch')"
  vsix="$(ls -t "$repo"/extension/agentcode-"$platform"-*.vsix 2>/dev/null | head -n 1 || true)"
  stale=""
  if [ -n "$vsix" ]; then
    stale="$(find "$repo/extension/src" "$repo/extension/package.json" "$repo/webview-pyodide/src" "$repo/server" "$repo/contract" \
      \( -name bin -o -name obj -o -name node_modules \) -prune -o -type f -newer "$vsix" -print 2>/dev/null | head -n 1)"
  fi
  if [ -z "$vsix" ] || [ -n "$stale" ]; then
    (cd "$repo" && npm run package)
    vsix="$(ls -t "$repo"/extension/agentcode-"$platform"-*.vsix | head -n 1)"
  fi
  AGENTCODE_VSIX="$vsix"
  export AGENTCODE_VSIX
fi
echo "e2e: testing $AGENTCODE_VSIX"

# Files given as arguments run alone (one at a time is what a 2-core machine can take); none: every scenario file.
if [ "$#" -eq 0 ]; then
  set -- "$here"/*.e2e.test.mjs
fi
exec node --test --test-concurrency=1 "$@"
