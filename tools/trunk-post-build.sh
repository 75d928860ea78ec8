#!/bin/sh
# trunk's post_build hook (Trunk.toml), run from the workspace root on the build's staging directory.
# One script because trunk runs the hooks of a stage at the same time, and these steps must follow
# each other.
set -eu
page="$TRUNK_STAGING_DIR/index.html"

# 1. CONSOLE_API_ORIGINS="https://community.example.org ..." adds API origins to the policy's
#    connect-src, for a console that talks to another server than the one serving it.
if [ -n "${CONSOLE_API_ORIGINS:-}" ]; then
  sed -i "s#connect-src 'self'#connect-src 'self' $CONSOLE_API_ORIGINS#" "$page"
fi

# 2. A release build gets `<file>.br` and `<file>.gz` beside each compressible file, made once here so
#    that no server compresses them per request. Last: it must compress the final index.html.
if [ "$TRUNK_PROFILE" = release ]; then
  node tools/precompress.mjs "$TRUNK_STAGING_DIR"
fi
