# Sourced by the scripts in this folder, by .ci/run and by bin/jlibp2p: exports JAVA_HOME and PATH for
# a JDK >= 21, taken from JAVA_HOME if it is new enough, else from the `java` on the PATH, else the
# newest under the usual install places (JDK_DIRS, a list of globs); fails loudly otherwise, naming
# what it looked at. A build needs javac; bin/jlibp2p sets JDK_TOOL=java first, since running needs java only.

JDK_TOOL=${JDK_TOOL:-javac}
JDK_DIRS=${JDK_DIRS:-"/usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home ${HOME:-/nonexistent}/.sdkman/candidates/java/* ${HOME:-/nonexistent}/.jdks/*"}

# Shell builtins only, no sed or dirname: bin/jlibp2p sources this file on every start.
read_release() {  # sets value to KEY's value in the JDK at $1's release file (quotes removed), or to nothing
  value=""
  local line
  [ -f "$1/release" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      "$2="*) line=${line#"$2"=}; line=${line%$'\r'}; line=${line#\"}; value=${line%\"}; return 0 ;;
    esac
  done < "$1/release"
}

read_major() {  # sets major to the major version of the JDK at $1, or to nothing
  major=""
  [ -x "$1/bin/$JDK_TOOL" ] || return 0
  local value
  read_release "$1" JAVA_VERSION
  major=${value%%[!0-9]*}
}

java_major() {  # prints the major version of the JDK at $1, or nothing
  local major
  read_major "$1"
  [ -n "$major" ] && echo "$major"
  return 0
}

jdk=""
seen=""  # what was looked at, for the error message
if [ -n "${JAVA_HOME:-}" ]; then
  read_major "$JAVA_HOME"
  seen="JAVA_HOME=$JAVA_HOME (${major:-no JDK there})"
  if [ "${major:-0}" -ge 21 ] 2>/dev/null; then
    jdk="$JAVA_HOME"
  fi
else
  seen="JAVA_HOME (not set)"
fi
if [ -z "$jdk" ]; then
  on_path=""
  if hash java 2>/dev/null; then  # a builtin, where $(command -v java) would start a subshell
    on_path=${BASH_CMDS[java]:-}
  fi
  if [ -n "$on_path" ]; then
    home=$on_path
    if [ -L "$on_path" ]; then
      home=$(readlink -f "$on_path" 2>/dev/null || echo "$on_path")
    fi
    home=${home%/*}
    home=${home%/*}
    read_major "$home"
    seen="$seen, java on the PATH: $on_path (${major:-version unknown})"
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then
      jdk="$home"
    fi
  else
    seen="$seen, java on the PATH (none)"
  fi
fi
if [ -z "$jdk" ]; then
  best=0
  found=""
  for candidate in $JDK_DIRS; do
    [ -d "$candidate" ] || continue
    read_major "$candidate"
    [ -n "$major" ] || continue
    found="$found $candidate ($major)"
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best" ]; then
      best=$major
      jdk="$candidate"
    fi
  done
  seen="$seen, $JDK_DIRS${found:+ (found:$found)}"
fi
if [ -z "$jdk" ]; then
  echo "error: no JDK 21 or newer found; looked at $seen." >&2
  echo "jlibp2p needs Java 21+ (virtual threads): install one (such as https://adoptium.net) or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$jdk"
export PATH="$JAVA_HOME/bin:$PATH"
