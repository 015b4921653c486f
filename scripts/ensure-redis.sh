#!/usr/bin/env bash
# The multi-instance limit tests count in a local Redis (127.0.0.1:6379). Start one when none
# answers, installing Debian's redis-server if it is missing, so the test command works on a
# fresh machine and assumes nothing was left running; without root or apt, say what to do.
set -euo pipefail
ping() { timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 && head -c 5 <&3' 2>/dev/null | grep -q PONG; }
if ping; then exit 0; fi
if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Redis for the multi-instance tests (apt-get install redis-server)…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "Redis is not answering on 127.0.0.1:6379: install and start Debian's 'redis-server'." >&2
    exit 1
  fi
fi
echo "Starting Redis on 127.0.0.1:6379 for the tests (no persistence)…"
redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
for _ in $(seq 1 20); do ping && exit 0; sleep 0.25; done
echo "Redis did not start on 127.0.0.1:6379" >&2
exit 1
