#!/bin/bash
# sandbox-entrypoint: start the desktop (Xvfb, fluxbox, xterm), x11vnc on the sandbox's own loopback, then the demo agent.
#
# Runs as uid 10001 under tini. The X server listens only on its socket file
# in /tmp/.X11-unix (no TCP, no abstract "local" socket, which any process
# sharing the network namespace could reach) and wants an MIT cookie.
# x11vnc listens on 127.0.0.1:5900 only: sandtop reaches it through an exec
# relay (see the Dockerfile), so the sandbox needs no reachable port at all.
set -u

export DISPLAY=${DISPLAY:-:1}
export XAUTHORITY=${XAUTHORITY:-/tmp/.Xauthority}
WIDTH=${WIDTH:-1024}
HEIGHT=${HEIGHT:-768}
VNC_PORT=${VNC_PORT:-5900}

log() { printf 'sandbox: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case $WIDTH$HEIGHT in *[!0-9]*|'') die "WIDTH and HEIGHT must be numbers" ;; esac
if [ "$WIDTH" -lt 320 ] || [ "$WIDTH" -gt 3840 ] || [ "$HEIGHT" -lt 200 ] || [ "$HEIGHT" -gt 2160 ]; then
	die "WIDTH x HEIGHT out of range (320..3840 x 200..2160)"
fi
dpy=${DISPLAY#:}
dpy=${dpy%%.*}
case $dpy in ''|*[!0-9]*) die "DISPLAY must look like :N" ;; esac

# Xvfb as non-root cannot create the socket directory itself.
mkdir -p /tmp/.X11-unix || die "cannot create /tmp/.X11-unix"
chmod 1777 /tmp/.X11-unix
rm -f "/tmp/.X$dpy-lock" "/tmp/.X11-unix/X$dpy"

# A fresh MIT cookie for this boot; the file is readable by this user only.
umask 077
rm -f "$XAUTHORITY"
: >"$XAUTHORITY" || die "cannot write $XAUTHORITY"
cookie=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
xauth -q -f "$XAUTHORITY" add "$DISPLAY" MIT-MAGIC-COOKIE-1 "$cookie" || die "xauth failed"
unset cookie
umask 022

Xvfb "$DISPLAY" -screen 0 "${WIDTH}x${HEIGHT}x24" -dpi 96 \
	-nolisten tcp -nolisten local -auth "$XAUTHORITY" -noreset &
xvfb_pid=$!

for _ in $(seq 1 100); do
	xdpyinfo >/dev/null 2>&1 && break
	kill -0 "$xvfb_pid" 2>/dev/null || die "Xvfb exited during start-up"
	sleep 0.1
done
xdpyinfo >/dev/null 2>&1 || die "Xvfb did not answer within 10 s"
log "X server $DISPLAY up (${WIDTH}x${HEIGHT})"

fluxbox >/dev/null 2>&1 &
xterm -geometry 80x24+20+20 -title "agent terminal" >/dev/null 2>&1 &

# x11vnc for observation, loopback only, no password (reachability is the
# control: only an exec into this sandbox gets here), nothing it could run or
# copy: no remote control, no commands, no clipboard in either direction.
# Restarted if it dies so a viewer can reconnect.
(
	while kill -0 "$xvfb_pid" 2>/dev/null; do
		x11vnc -display "$DISPLAY" -auth "$XAUTHORITY" \
			-localhost -noipv6 -rfbport "$VNC_PORT" -shared -forever \
			-safer -nocmds -norc -nopw -noclipboard -nosetclipboard -nosel \
			-noprimary -nosetprimary -desktop sandbox -quiet >/dev/null 2>&1
		sleep 1
	done
) &
log "x11vnc on 127.0.0.1:$VNC_PORT"

if [ "${SANDBOX_DEMO_AGENT:-1}" = 1 ]; then
	sandbox-demo-agent &
	log "demo agent started"
fi

# The sandbox lives as long as its X server.
wait "$xvfb_pid"
rc=$?
log "Xvfb exited ($rc)"
exit "$rc"
