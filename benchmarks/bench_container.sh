#!/usr/bin/env bash
# Container figures: build times (cold, no change, after a code change, with the size that
# change adds), image size and its largest layers, start to healthy, idle RSS.
#   bash benchmarks/bench_container.sh      (needs ../shared/tools/podman-env; ~5 minutes)
# Builds run from a copy of the working tree, so the code change never touches yours, and in
# a podman storage of their own that holds only the base image: the cold build reuses no
# layer of another image (tutorbot:ci, say), and nothing of yours is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash ../shared/tools/podman-env)"
work=$(mktemp -d /var/tmp/tutorbot-bench.XXXXXX)    # the build context
store=$(mktemp -d /var/tmp/tutorbot-bench-storage.XXXXXX)
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C "$work" -xf -

private_storage() {
    printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' \
        "$store/graph" "$store/run" > "$store/storage.conf"
    podman save -q -o "$store/base.tar" "$BASE_IMAGE"
    export CONTAINERS_STORAGE_CONF=$store/storage.conf
    podman load -q -i "$store/base.tar" > /dev/null
    rm -f "$store/base.tar"
}
cleanup() {  # only ever empties the private storage
    if [ "${CONTAINERS_STORAGE_CONF:-}" = "$store/storage.conf" ]; then
        podman rm -af > /dev/null 2>&1 || true
        podman rmi -af > /dev/null 2>&1 || true
        podman volume prune -f > /dev/null 2>&1 || true
    fi
    rm -rf "$work" "$store"
}
trap cleanup EXIT
private_storage

build() {
    podman build --format docker --network host --build-arg BASE_IMAGE="$BASE_IMAGE" \
        --build-arg TORCH_FIND_LINKS=/wheels -v /opt/wheels:/wheels:ro -t tutorbot:bench "$@" \
        "$work" >> /tmp/tutorbot-bench-build.log 2>&1
}
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$@"; }
: > /tmp/tutorbot-bench-build.log
# Cold: the private storage holds only the base image. Not --no-cache: podman 4.3 does not
# reuse the layers of a --no-cache build as cache, so the next "nothing changed" build would
# rebuild everything (measured: 204 s instead of seconds).
t0=$(date +%s.%N); build; t1=$(date +%s.%N); build; t2=$(date +%s.%N)
echo "# a code change made by bench_container.sh" >> "$work/bot/cli.py"
build; t3=$(date +%s.%N)
printf 'build cold (no layer cache, base image present): %s s\n' "$(seconds "$t0" "$t1")"
printf 'build with nothing changed: %s s\n' "$(seconds "$t1" "$t2")"
printf 'build after a comment in bot/cli.py: %s s\n' "$(seconds "$t2" "$t3")"
# Layers made by the code-change build are the ones created after it started.
podman history --format json tutorbot:bench | python3 -c "
import json, sys
from datetime import datetime
started = float(sys.argv[1])
layers = json.load(sys.stdin)
new = [l for l in layers if datetime.fromisoformat(l['created'].replace('Z', '+00:00')).timestamp() >= started - 1]
print(f'layers added by the code change: {len(new)}, {sum(l[\"size\"] for l in new) / 1e6:.1f} MB')
print('largest layers:')
for l in sorted(layers, key=lambda l: -l['size'])[:4]:
    print(f'  {l[\"size\"] / 1e6:8.1f} MB  {l[\"CreatedBy\"][-90:].strip()}')
" "$t2"
printf 'image size: %s MB\n' "$(( $(podman image inspect --format '{{.Size}}' tutorbot:bench) / 1000000 ))"

name=tutorbot-bench-$$
port=18080
podman run -d --name "$name" --network host --read-only --read-only-tmpfs=false \
    -v "$name:/data" -e DISCORD_TOKEN=bench.token.value \
    -e DISCORD_API_BASE=http://127.0.0.1:9/api/v10 -e DISCORD_GATEWAY_URL=ws://127.0.0.1:9/ \
    -e TUTORBOT_HEALTH_PORT=$port tutorbot:bench > /dev/null
start=$(date +%s.%N)
until podman healthcheck run "$name" > /dev/null 2>&1; do sleep 0.2; done
printf 'start to healthy, read-only root (no Discord reachable: degraded but serving): %s s\n' \
    "$(seconds "$start" "$(date +%s.%N)")"
sleep 20
pid=$(podman inspect --format '{{.State.Pid}}' "$name")
printf 'idle RSS after 20 s (dense model loaded): %s MB\n' \
    "$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 ))"
podman rm -f "$name" > /dev/null
podman volume rm -f "$name" > /dev/null
