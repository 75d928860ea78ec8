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

# 2. No `integrity` on the .wasm preload: Chrome ignores it on `as="fetch"` preloads and warns about
#    it in the console (crbug.com/981419), and wasm-bindgen fetches the module without one, so without
#    it the two requests match and the preloaded bytes are used. The JS glue's modulepreload keeps its
#    integrity, which Chrome does check.
sed -i 's#\(<link rel="preload"[^>]*\) integrity="[^"]*"\([^>]*as="fetch"\)#\1\2#' "$page"
if grep -q '<link rel="preload"[^>]* integrity=[^>]*as="fetch"' "$page"; then
  echo "trunk-post-build.sh: the .wasm preload still has an integrity attribute (did trunk change its output?)" >&2
  exit 1
fi

# 3. A release build gets `<file>.br` and `<file>.gz` beside each compressible file, made once here so
#    that no server compresses them per request. Last: it must compress the final index.html.
if [ "$TRUNK_PROFILE" = release ]; then
  node tools/precompress.mjs "$TRUNK_STAGING_DIR"
fi
