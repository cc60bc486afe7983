# Sourced by the scripts in this folder and by .ci/run: exports JAVA_HOME and PATH for a JDK >= 21,
# taken from JAVA_HOME if it is new enough, else the newest under /usr/lib/jvm; fails loudly otherwise.

java_major() {  # prints the major version of the JDK at $1, or nothing
  local release="$1/release"
  [ -x "$1/bin/javac" ] && [ -f "$release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

jdk=""
if [ -n "${JAVA_HOME:-}" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  jdk="$JAVA_HOME"
else
  best=0
  for candidate in /usr/lib/jvm/*; do
    [ -d "$candidate" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best" ]; then
      best=$major
      jdk="$candidate"
    fi
  done
fi
if [ -z "$jdk" ]; then
  echo "error: no JDK 21 or newer found (checked JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*)." >&2
  echo "jlibp2p needs JDK 21+ for virtual threads: install one or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$jdk"
export PATH="$JAVA_HOME/bin:$PATH"
