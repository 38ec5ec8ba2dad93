# Sourced by the project's scripts after find-jdk.sh: Maven without noise on a terminal that did not ask for it.
# - MAVEN_OPTS gets --sun-misc-unsafe-memory-access=allow when the JDK knows it (JDK 23+), which silences the
#   sun.misc.Unsafe warnings Maven's own libraries (guava) cause on JDK 24+;
# - sb_plain strips the colour codes Maven 3.8 writes even in batch mode with -Dstyle.color=never.
if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  case " ${MAVEN_OPTS:-} " in
    *" --sun-misc-unsafe-memory-access="*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
  esac
fi
SB_MAVEN_FLAGS=(-B -ntp -Dstyle.color=never)
sb_plain() {
  sed -u 's/\x1b\[[0-9;]*[A-Za-z]//g'
}
# Reads Maven's log on stdin and prints one line per build step (what a person waiting wants to see).
sb_progress() {
  local prefix="$1" line
  while IFS= read -r line; do
    case "$line" in
      *"Compiling "*" source file"*) echo "$prefix   ${line#*\] }" ;;
      *"--- maven-jar-plugin"*|*"--- jar:"*) echo "$prefix   packaging the jar" ;;
      *"--- maven-shade-plugin"*|*"--- shade:"*) echo "$prefix   bundling the libraries into it" ;;
      *"Downloading from"*) [ -n "${sb_said_download:-}" ] || { echo "$prefix   downloading Maven plugins and libraries (first time only)"; sb_said_download=1; } ;;
    esac
  done
}
