#!/usr/bin/env bash
# Container figures: image size, build time (cold and cached), start to healthy, idle RSS.
#   bash benchmarks/bench_container.sh      (needs ../shared/tools/podman-env)
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash ../shared/tools/podman-env)"
build() {
    podman build --format docker --network host --build-arg BASE_IMAGE="$BASE_IMAGE" \
        --build-arg TORCH_FIND_LINKS=/wheels -v /opt/wheels:/wheels:ro -t tutorbot:bench "$@" . \
        > /tmp/tutorbot-bench-build.log 2>&1
}
t0=$(date +%s.%N); build --no-cache; t1=$(date +%s.%N); build; t2=$(date +%s.%N)
printf 'build cold (no layer cache, base image present): %.0f s\n' "$(echo "$t1 - $t0" | bc)"
printf 'build cached (no change): %.1f s\n' "$(echo "$t2 - $t1" | bc)"
printf 'image size: %s MB\n' "$(( $(podman image inspect --format '{{.Size}}' tutorbot:bench) / 1000000 ))"
name=tutorbot-bench-$$
port=18080
podman run -d --name "$name" --network host -e DISCORD_TOKEN=bench.token.value \
    -e DISCORD_API_BASE=http://127.0.0.1:9/api/v10 -e DISCORD_GATEWAY_URL=ws://127.0.0.1:9/ \
    -e TUTORBOT_HEALTH_PORT=$port tutorbot:bench > /dev/null
start=$(date +%s.%N)
until podman healthcheck run "$name" > /dev/null 2>&1; do sleep 0.2; done
printf 'start to healthy (no Discord reachable: degraded but serving): %.1f s\n' \
    "$(echo "$(date +%s.%N) - $start" | bc)"
sleep 20
pid=$(podman inspect --format '{{.State.Pid}}' "$name")
printf 'idle RSS after 20 s (dense model loaded): %s MB\n' \
    "$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 ))"
podman rm -f "$name" > /dev/null
