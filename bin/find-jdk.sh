# Sourced by the project's scripts: sets JAVA_HOME to a JDK 21 or newer, or stops with a clear message.
# Order: $JAVA_HOME if it is 21+, then /usr/lib/jvm/temurin-25-jdk-amd64, then any /usr/lib/jvm/* that is 21+.
sb_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}
sb_is_jdk21() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local v; v=$(sb_java_major "$1"); v=${v%%.*}
  [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null
}
sb_pick_jdk() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$c" ] && sb_is_jdk21 "$c" && { echo "$c"; return 0; }
  done
  return 1
}
if SB_JDK=$(sb_pick_jdk); then
  export JAVA_HOME="$SB_JDK"
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "switchboard: no JDK 21 or newer found (looked at \$JAVA_HOME='${JAVA_HOME:-}', /usr/lib/jvm/temurin-25-jdk-amd64 and /usr/lib/jvm/*)." >&2
  echo "switchboard: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or point JAVA_HOME at it." >&2
  exit 1
fi
