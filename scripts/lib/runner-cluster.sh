# Shell functions shared by the runner clusters' scripts: runners/{spark,flink}/{cluster-start,
# cluster-stop,submit}.sh (sourced by runners/{spark,flink}/env.sh, not run). Each runner keeps
# its settings, daemons and readiness checks in its own scripts; what is here is the part that
# must behave the same for both (messages on stderr, the jars from Maven, pid files, starting a
# daemon and waiting for it, the SIGTERM/SIGKILL sequence, the shaded jar), so that a fix in one
# runner's scripts is not forgotten in the other's.
#
# Requires REPO_ROOT to be set by the caller.

# shellcheck source=cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli.sh"   # accept_no_args

log() { echo "[$(basename "$0" .sh)] $*" >&2; } # stdout is for results (submit.sh build: the jar)
die() { echo "[$(basename "$0" .sh)] ERROR: $*" >&2; exit 1; }

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

# shellcheck source=java-opens.sh
source "$REPO_ROOT/scripts/lib/java-opens.sh"

# --- jars --------------------------------------------------------------------------------

# fetch_runner_jars NAME VERSION POM HOME
# Copies the dependencies of POM (runners/<runner>/pom.xml) from Maven Central into HOME/jars,
# once: a marker file remembers NAME, VERSION and the pom's checksum, so a changed pom copies them
# again. Concurrent first runs wait for each other on HOME/.jars.lock.
fetch_runner_jars() {
  local name="$1" version="$2" pom="$3" home="$4"
  local jars_dir="$home/jars" marker="$home/jars/.copied" want
  want="${name,,} $version pom $(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    return 0
  fi
  mkdir -p "$home"
  exec 8>"$home/.jars.lock"
  flock 8
  if [[ ! -f "$marker" || "$(cat "$marker")" != "$want" ]]; then
    log "copying $name $version jars from Maven into $jars_dir (once) ..."
    rm -rf "$jars_dir"
    "${MVN:-mvn}" -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$jars_dir" || die "could not fetch the $name jars with Maven"
    echo "$want" > "$marker"
    log "$(find "$jars_dir" -name '*.jar' | wc -l) jars in $jars_dir"
  fi
  flock -u 8
  exec 8>&-
}

# --- daemons -----------------------------------------------------------------------------

# pid_from_file PID_FILE PATTERN...
# Prints the pid in PID_FILE if that process is alive and its command line contains every
# PATTERN (a pid alone may have been reused); returns 1 otherwise.
pid_from_file() {
  local pid_file="$1" pid cmdline pattern
  shift
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  for pattern in "$@"; do
    [[ "$cmdline" == *"$pattern"* ]] || return 1
  done
  echo "$pid"
}

# True if something accepts TCP connections on host $1 port $2.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# start_daemon PID_FILE LOG_FILE COMMAND...
# Starts COMMAND in its own session in the background, its pid into PID_FILE, its output into
# LOG_FILE (the previous one kept as LOG_FILE.prev).
start_daemon() {
  local pid_file="$1" log_file="$2"
  shift 2
  if [[ -s "$log_file" ]]; then mv -f "$log_file" "$log_file.prev"; fi
  rm -f "$pid_file"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pid_file" "$@" < /dev/null >> "$log_file" 2>&1 &
  local i
  for i in $(seq 50); do [[ -s "$pid_file" ]] && return 0; sleep 0.1; done
  die "no pid file $pid_file after 5 s"
}

# await_daemon NAME PID_FUNC LOG_FILE GOAL READY_LINE [HOST PORT]
# Waits until LOG_FILE holds READY_LINE (and HOST:PORT accepts connections, if given). Dies with
# the end of LOG_FILE if the daemon PID_FUNC finds exits first, or if it does not GOAL ("come up",
# "register") by $deadline (a $SECONDS value; $START_TIMEOUT names it in the message). Shows
# $LOG_TAIL_LINES lines of the log. All three are set by the start script.
await_daemon() {
  local name="$1" pid_func="$2" log_file="$3" goal="$4" ready_line="$5" host="${6:-}" port="${7:-}"
  until grep -q "$ready_line" "$log_file" 2>/dev/null && { [[ -z "$port" ]] || port_open "$host" "$port"; }; do
    "$pid_func" > /dev/null || fail_with_log "the $name exited during start-up" "$log_file"
    (( SECONDS < deadline )) || fail_with_log "the $name did not $goal within ${START_TIMEOUT}s" "$log_file"
    sleep 0.5
  done
}

fail_with_log() {
  echo "----- last lines of $2 -----" >&2
  tail -n "$LOG_TAIL_LINES" "$2" >&2 || true
  die "$1"
}

# --- cluster-stop.sh ---------------------------------------------------------------------

# The stop scripts' command line: sets PURGE (--purge).
parse_stop_args() {
  local arg
  PURGE=false
  for arg in "$@"; do
    case "$arg" in
      --purge) PURGE=true ;;
      *) die "unknown argument: $arg (only --purge is supported)" ;;
    esac
  done
}

# stop_daemon NAME PID_FUNC ADDRESS
# Stops the daemon PID_FUNC finds: SIGTERM, then SIGKILL if it is still alive after
# $STOP_TIMEOUT seconds; returns once it is gone. Does nothing (but say so) if none runs.
stop_daemon() {
  local name="$1" pid_func="$2" address="$3" pid deadline
  if ! pid="$("$pid_func")"; then
    log "no $name running ($address)"
    return 0
  fi
  log "stopping $name pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while "$pid_func" > /dev/null && (( SECONDS < deadline )); do sleep 0.5; done
  if "$pid_func" > /dev/null; then
    log "$name still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while "$pid_func" > /dev/null; do sleep 0.2; done
  fi
  log "$name stopped"
}

# Deletes $STATE_DIR (pid files, logs, work folders) if it exists (--purge).
purge_state_dir() {
  if [[ -d "$STATE_DIR" ]]; then
    rm -rf -- "$STATE_DIR"
    log "purged $STATE_DIR"
  fi
}

# --- submit.sh ---------------------------------------------------------------------------

# main_class_of ARG
# Sets MAIN_CLASS for submit.sh's first argument: kafka-to-silver, trending-to-gold, or build
# (empty: only build the jar). -h/--help prints the script's header comment and exits.
main_class_of() {
  case "$1" in
    kafka-to-silver) MAIN_CLASS=com.trending.silver.KafkaToSilver ;;
    trending-to-gold) MAIN_CLASS=com.trending.gold.TrendingToGold ;;
    build) MAIN_CLASS= ;;
    -h|--help) submit_usage; exit 0 ;;
    *) submit_usage >&2; die "first argument must be kafka-to-silver, trending-to-gold or build, got '$1'" ;;
  esac
}

submit_usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

# ensure_app_jar RUNNER BUILD_DIR
# Sets APP_JAR to the shaded jar of Maven profile RUNNER-runner (classifier RUNNER) in BUILD_DIR
# (relative: to the repository; empty: target/), building it if it is missing or older than the
# sources. One build at a time; it is built in a side folder and moved into place in one step,
# so that nobody ever runs a half-written jar.
ensure_app_jar() {
  local runner="$1" build_dir="${2:-$REPO_ROOT/target}" version
  [[ "$build_dir" == /* ]] || build_dir="$REPO_ROOT/$build_dir"
  version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$REPO_ROOT/pom.xml" | head -n 1)"
  APP_JAR="$build_dir/trending-lakehouse-$version-$runner.jar"
  app_jar_is_stale || return 0
  mkdir -p "$build_dir"
  if command -v flock > /dev/null; then # one build at a time (flock is Linux-only; optional)
    exec 9>"$build_dir/.$runner-app.lock"
    flock 9
  fi
  if app_jar_is_stale; then # whoever waited for the lock finds the jar fresh
    log "building $APP_JAR (mvn -P$runner-runner package, tests skipped) ..."
    (cd "$REPO_ROOT" && "${MVN:-mvn}" -q -B -P"$runner-runner" -Dmaven.test.skip=true \
        -Dbuild.dir="$build_dir/.$runner-build" package) >&2 || die "mvn -P$runner-runner package failed"
    [[ -f "$build_dir/.$runner-build/${APP_JAR##*/}" ]] || die "the build did not produce ${APP_JAR##*/}"
    mv -f "$build_dir/.$runner-build/${APP_JAR##*/}" "$APP_JAR"
  fi
  exec 9>&-
}

app_jar_is_stale() {
  [[ ! -f "$APP_JAR" || -n "$(find "$REPO_ROOT/src/main" "$REPO_ROOT/schemas" "$REPO_ROOT/pom.xml" -newer "$APP_JAR" -print -quit)" ]]
}

# Makes a relative LAKEHOUSE_PATH absolute (from the working folder): every executor or
# TaskManager must see the same path.
absolute_lakehouse_path() {
  if [[ -n "${LAKEHOUSE_PATH:-}" && "$LAKEHOUSE_PATH" != /* && "$LAKEHOUSE_PATH" != *://* ]]; then
    LAKEHOUSE_PATH="$(pwd)/$LAKEHOUSE_PATH"
    log "LAKEHOUSE_PATH is relative; using $LAKEHOUSE_PATH"
    export LAKEHOUSE_PATH
  fi
}
