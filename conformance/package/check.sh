#!/usr/bin/env bash
# The package as a user gets it, from a clean state: `npm pack` (its prepack removes dist/ and
# builds from scratch), then dist/conformance/package/main.js checks the tarball: its file list
# (LICENSE, the built library, types and CLI; no tests), an empty consumer project that installs
# it and type-checks under module nodenext and moduleResolution bundler (skipLibCheck false), one
# flow through the installed package against the demo server, and
# node_modules/.bin/device-grant --help. Needs no network.
# Usage: bash conformance/package/check.sh   (after npm ci)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -1)
echo "package: packed $tarball (prepack: clean build)"
node dist/conformance/package/main.js "$work/$tarball"
