#!/bin/sh
# Makes the README's pictures of generate -> panel -> accept from the end-to-end test: runs generate.e2e.test.mjs
# with AGENTCODE_E2E_SCREENSHOTS set (the scenario saves 1-generate.png, 2-panel.png and 3-accepted.png), copies them
# to extension/media/readme/, and joins them into generate-panel-accept.gif with ImageMagick when it is installed
# (Debian: apt-get install imagemagick). Run by hand after a visible change; the pictures are committed, not packaged.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
ext="$(dirname "$here")"
shots="$(mktemp -d)"
trap 'rm -rf "$shots"' EXIT
AGENTCODE_E2E_SCREENSHOTS="$shots" node --test --test-name-pattern "Generate Python from the palette" "$ext/test/e2e/generate.e2e.test.mjs"
out="$ext/media/readme"
mkdir -p "$out"
for f in 1-generate 2-panel 3-accepted; do
  [ -f "$shots/$f.png" ] || { echo "readme-images: the test saved no $f.png" >&2; exit 1; }
  cp "$shots/$f.png" "$out/$f.png"
done
convert=/usr/bin/convert
if [ -x "$convert" ]; then
  "$convert" -delay 250 -loop 0 "$out/1-generate.png" "$out/2-panel.png" "$out/3-accepted.png" -resize 1000x -layers Optimize "$out/generate-panel-accept.gif"
  echo "readme-images: $out/generate-panel-accept.gif"
else
  echo "readme-images: ImageMagick is not installed, so no GIF; the PNGs are in $out"
fi
