#!/usr/bin/env bash
# The fresh-machine check: runs the README's two commands (scripts/setup.sh, then scripts/test.sh)
# in a clean Debian 12 root made by mmdebstrap, from a copy of this working tree without build/
# or node_modules/. It proves that setup installs everything the project needs: nothing on this
# machine beyond what a fresh Debian 12 machine here has (apt sources, resolver, locally added CA
# certificates, npm settings) is visible inside.
#
#   scripts/fresh_check.sh            # needs root (mmdebstrap --mode=root, chroot, mounts)
#   OWN_FRESH_CACHE=DIR               # .deb cache kept between runs (default /var/cache/ownchat-fresh)
#   OWN_FRESH_SETUP_ONLY=1            # stop after setup.sh
#
# Exits non-zero when either command fails. Cleans up on every exit (Ctrl-C and a time limit's
# SIGTERM included): everything mounted under the root is unmounted first, then the root is removed
# with rm --one-file-system, so a mount that is still there can never take the machine's files with
# it. After a SIGKILL the mounts go with the private namespace and the next run removes the root.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)

[ "$(id -u)" -eq 0 ] || exec sudo --preserve-env=OWN_FRESH_CACHE,OWN_FRESH_SETUP_ONLY "$0" "$@"
command -v mmdebstrap >/dev/null || { echo "fresh_check: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 2; }
# A mount namespace of our own, private: no mount made here can propagate to the machine's (a bind
# of /dev in a shared peer group would carry the devpts and tmpfs below onto the machine's own
# /dev/pts and /dev/shm), and the kernel drops every mount here when the last process of the
# namespace ends, even if this script is killed with SIGKILL.
if [ -z "${OWN_FRESH_NS:-}" ]; then
  OWN_FRESH_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

CACHE=${OWN_FRESH_CACHE:-/var/cache/ownchat-fresh}
# roots left by a run that was killed outright (its mounts died with its namespace); a live run
# holds the lock beside its root
for stale in /var/tmp/ownchat-fresh.*; do
  [ -d "$stale" ] || continue
  findmnt -rn -o TARGET | grep -qF "$stale/" && continue  # mounted here: in use
  [ -e "$stale.lock" ] && { flock -n "$stale.lock" true 2>/dev/null || continue; }
  rm -rf --one-file-system "$stale"
  rm -f "$stale.lock"
done
ROOT=$(mktemp -d /var/tmp/ownchat-fresh.XXXXXX)
exec 9>"$ROOT.lock"
flock 9

unmount_all() {  # deepest mounts first; lazy as a last resort so nothing stays mounted
  local m
  for _ in 1 2 3; do
    mapfile -t mounts < <(findmnt -rn -o TARGET | grep -F "$ROOT/" | sort -r)
    [ ${#mounts[@]} -eq 0 ] && return 0
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  done
  findmnt -rn -o TARGET | grep -qF "$ROOT/" && return 1
  return 0
}
CHILD=
stop_child() {  # the command in the root, and everything it started
  [ -n "$CHILD" ] || return 0
  kill -TERM -- "-$CHILD" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$CHILD" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL -- "-$CHILD" 2>/dev/null || true
  wait "$CHILD" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  stop_child
  # keep the downloaded .debs for the next run (outside the tree, outside any image under test)
  if [ -d "$ROOT/var/cache/apt/archives" ]; then
    mkdir -p "$CACHE"
    find "$ROOT/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n {} "$CACHE/" \; 2>/dev/null || true
  fi
  if unmount_all; then
    rm -rf --one-file-system "$ROOT"
    rm -f "$ROOT.lock"
  else
    echo "fresh_check: could not unmount everything under $ROOT; left in place, not removed" >&2
    rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

elapsed() { local s=$(($(date +%s) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# the machine's own apt sources (deb822 or one-line), so no mirror address is written anywhere
SOURCES=/etc/apt/sources.list.d/debian.sources
[ -f "$SOURCES" ] || SOURCES=/etc/apt/sources.list

t0=$(date +%s)
# minbase + ca-certificates: what a new Debian 12 machine here has, less what setup.sh must install
mkdir -p "$CACHE"
mmdebstrap --mode=root --variant=minbase --include=ca-certificates --quiet --skip=download/empty \
  --setup-hook="mkdir -p \"\$1/var/cache/apt/archives\"; cp $CACHE/*.deb \"\$1/var/cache/apt/archives/\" 2>/dev/null || true" \
  bookworm "$ROOT" "$SOURCES"
echo "fresh_check: clean Debian 12 root in $(elapsed "$t0")"

# what a fresh machine here has: resolver, locally added CAs, apt's and npm's settings
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*' >/dev/null; then
  cp -r /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
  chroot "$ROOT" update-ca-certificates >/dev/null
fi
for f in /etc/apt/apt.conf.d/99*; do [ -f "$f" ] && cp "$f" "$ROOT/etc/apt/apt.conf.d/"; done
rm -f "$ROOT/etc/apt/apt.conf.d/docker-clean"  # keep downloaded .debs, for the cache above
for f in /etc/npmrc /usr/etc/npmrc /root/.npmrc; do
  [ -f "$f" ] && { mkdir -p "$ROOT$(dirname "$f")"; cp "$f" "$ROOT$f"; }
done
if compgen -G "$CACHE/*.deb" >/dev/null; then cp "$CACHE"/*.deb "$ROOT/var/cache/apt/archives/"; fi

# the working tree, as a fresh clone would have it (tracked and untracked-but-not-ignored files)
mkdir -p "$ROOT/src/ownchat"
git -C "$SRC" ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar -C "$SRC" --null -T - -cf - | tar -C "$ROOT/src/ownchat" -xf -

mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOT/dev/pts" 2>/dev/null || true
mount -t tmpfs tmpfs "$ROOT/dev/shm"  # chromium needs a writable /dev/shm of its own

# A login-like environment: none of this machine's variables leak in. The command runs in a
# process group of its own, waited for with `wait`, so Ctrl-C or a time limit's SIGTERM reaches
# the traps at once (bash defers a trap until a foreground child ends) and stop_child ends it all.
in_root() {
  setsid chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb bash -c "cd /src/ownchat && $1" &
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=
  return "$rc"
}

run_in_root() {  # one of the README's commands, timed
  local t=$(date +%s)
  if in_root "bash $1"; then
    echo "fresh_check: $1 passed in $(elapsed "$t")"
  else
    echo "fresh_check: $1 FAILED after $(elapsed "$t")" >&2
    exit 1
  fi
}
run_in_root scripts/setup.sh
[ -n "${OWN_FRESH_SETUP_ONLY:-}" ] && exit 0
run_in_root scripts/test.sh
echo "fresh_check: passed in $(elapsed "$t0")"
