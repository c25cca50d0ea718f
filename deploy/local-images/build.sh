#!/usr/bin/env bash
# Builds, from Debian's packages, the images that deploy/compose/local-images.yml puts in place of
# the upstream ones, for a Docker engine that reaches no image registry:
#
#   local/debian:bookworm   base: debootstrap --variant=minbase from the Debian mirror apt uses here
#   local/redis:7           redis-server and redis-cli
#   local/nginx:1           nginx-light and wget
#   local/jre:17            openjdk-17-jre-headless and curl, the JRE_IMAGE of app/Dockerfile
#
# An image that exists is kept; REBUILD=1 builds them all again. DEBIAN_MIRROR overrides the mirror
# read from /etc/apt/sources.list.d/ or /etc/apt/sources.list. Needs root for debootstrap.
set -euo pipefail
cd "$(dirname "$0")"

BASE=local/debian:bookworm
SUITE=bookworm
declare -A SERVICES=([local/redis:7]=redis.Dockerfile [local/nginx:1]=nginx.Dockerfile [local/jre:17]=jre.Dockerfile)

exists() {
  [ "${REBUILD:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1
}

# The URI that apt's sources give for a suite, in deb822 (*.sources) or one-line (*.list) form.
mirror_for() {
  local suite=$1 file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v suite="$suite" '
      /^[[:space:]]*$/ { if (uri != "" && found) { print uri; exit } uri = ""; found = 0; next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) found = 1 }
      END { if (uri != "" && found) print uri }
    ' "$file" | head -n 1
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v suite="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { if ($(i + 1) == suite) print $i; break } }' "$file"
  done
}

build_base() {
  local mirror security rootfs
  mirror=${DEBIAN_MIRROR:-$(mirror_for "$SUITE" | head -n 1)}
  security=$(mirror_for "$SUITE-security" | head -n 1)
  if [ -z "$mirror" ]; then
    echo "build.sh: no Debian mirror for $SUITE in apt's sources; set DEBIAN_MIRROR" >&2
    return 1
  fi
  command -v debootstrap >/dev/null || { echo "build.sh: debootstrap is missing (apt-get install debootstrap)" >&2; return 1; }
  rootfs=$work/rootfs
  echo "base $BASE: debootstrap --variant=minbase $SUITE from $mirror"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; return 1; }
  {
    echo "deb $mirror $SUITE main"
    echo "deb $mirror $SUITE-updates main"
    [ -z "$security" ] || echo "deb $security $SUITE-security main"
  } > "$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -c . | docker import \
    -c 'CMD ["bash"]' -c 'ENV DEBIAN_FRONTEND=noninteractive' - "$BASE" >/dev/null
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if exists "$BASE"; then
  echo "base $BASE: present"
else
  build_base
fi

pids=()
for image in "${!SERVICES[@]}"; do
  if exists "$image"; then
    echo "image $image: present"
    continue
  fi
  echo "image $image: building from ${SERVICES[$image]}"
  # No build context: the Dockerfiles copy nothing.
  docker build -q -t "$image" - < "${SERVICES[$image]}" > "$work/${SERVICES[$image]}.log" 2>&1 &
  pids+=("$!:$image")
done
failed=0
for entry in "${pids[@]}"; do
  image=${entry#*:}
  if ! wait "${entry%%:*}"; then
    echo "image $image: build failed" >&2
    cat "$work/${SERVICES[$image]}.log" >&2
    failed=1
  fi
done
exit "$failed"
