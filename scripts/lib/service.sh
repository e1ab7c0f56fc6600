# Shell functions shared by the local servers' scripts: scripts/{kafka,hdfs,s3}-{start,stop}.sh
# (sourced by scripts/{kafka,hdfs,s3}/env.sh, not run). Each server keeps its own settings and
# checks in its env.sh; what is here is the part that must behave the same for all of them
# (messages, pid files, the SIGTERM/SIGKILL sequence, the purge guard), so that a fix in one
# server's scripts is not forgotten in the others.
#
# Uses (set by the server's env.sh): STATE_DIR, LIB_DIR, PID_FILE.

# shellcheck source=cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli.sh"   # accept_no_args

log() { echo "[$(basename "$0" .sh)] $*"; }
die() { echo "[$(basename "$0" .sh)] ERROR: $*" >&2; exit 1; }

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

# --- jars --------------------------------------------------------------------------------

# ensure_jars NAME VERSION POM [DETAIL] [MVN_OUTPUT]
# Copies the dependencies of POM (a tiny pom.xml next to the scripts) from Maven into $LIB_DIR,
# once: a marker file remembers NAME, VERSION and the pom's checksum, so a changed pom copies
# them again. Concurrent first runs (e.g. parallel tests) on the same lib folder wait for each
# other on a lock file. MVN_OUTPUT "file" (default) sends Maven's output to a log file next to
# $LIB_DIR (shown only if Maven fails): the start script's own output must end with its
# documented lines; "inherit" lets Maven print where the script prints.
ensure_jars() {
  local name="$1" version="$2" pom="$3" detail="${4:-}" mvn_output="${5:-file}"
  local marker="$LIB_DIR/.copied" want
  want="${name,,} $version pom $(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    return 0
  fi
  mkdir -p "$(dirname "$LIB_DIR")"
  # Serialise concurrent first runs (e.g. parallel tests) on the same lib folder.
  exec 8>"$(dirname "$LIB_DIR")/.lib.lock"
  flock 8
  if [[ ! -f "$marker" || "$(cat "$marker")" != "$want" ]]; then
    log "copying $name $version${detail:+ $detail} jars from Maven into $LIB_DIR (once) ..."
    rm -rf "$LIB_DIR"
    if [[ "$mvn_output" == inherit ]]; then
      "${MVN:-mvn}" -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$LIB_DIR" \
        || die "could not fetch the $name jars with Maven"
    else
      local mvn_log
      mvn_log="$(dirname "$LIB_DIR")/copy-jars.log"
      if ! "${MVN:-mvn}" -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
          -DoutputDirectory="$LIB_DIR" > "$mvn_log" 2>&1; then
        cat "$mvn_log" >&2
        die "could not fetch the $name jars with Maven (log: $mvn_log)"
      fi
    fi
    echo "$want" > "$marker"
    log "$(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $LIB_DIR"
  fi
  flock -u 8
  exec 8>&-
}

# --- files -------------------------------------------------------------------------------

# Prints folder $1 as an absolute path (relative ones are taken from the working folder) without
# a trailing /: a state folder is on the server JVM's command line, where the is-our-process
# checks look for exactly this spelling.
absolute_dir() {
  local dir="$1"
  [[ "$dir" == /* ]] || dir="$PWD/$dir"
  echo "${dir%/}"
}

# Writes stdin to file $1 with mode 600 (atomically: a reader never sees half a file).
write_private() {
  local file="$1"
  ( umask 077; cat > "$file.tmp" )
  chmod 600 "$file.tmp"
  mv -f "$file.tmp" "$file"
}

# --- process helpers ---------------------------------------------------------------------

# Prints the command line of live process $1 with its arguments separated (and ended) by blanks;
# returns 1 if $1 is not a pid or no such process can be read. The servers' is-our-process
# checks match this against their own command line, since a pid alone may have been reused.
process_cmdline() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null
}

# service_pid IS_OURS PGREP_PATTERN
# Prints the pid of the server for this state folder, if it runs; returns 1 otherwise. Uses
# $PID_FILE; falls back to looking for PGREP_PATTERN on command lines (pid file lost). A pid
# counts only if the function IS_OURS accepts it.
service_pid() {
  local is_ours="$1" pattern="$2" pid
  if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if "$is_ours" "$pid"; then echo "$pid"; return 0; fi
  fi
  for pid in $(pgrep -f -- "$pattern" 2>/dev/null || true); do
    if "$is_ours" "$pid"; then echo "$pid"; return 0; fi
  done
  return 1
}

# True if something accepts TCP connections on host $1 port $2.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# --- stop scripts ------------------------------------------------------------------------

# parse_stop_args HELP_LINES ARGS...
# The stop scripts' command line: sets PURGE (--purge); -h/--help prints lines HELP_LINES
# (sed range, e.g. 2,7) of the script's header comment and exits 0.
parse_stop_args() {
  local help_lines="$1" arg
  shift
  PURGE=false
  for arg in "$@"; do
    case "$arg" in
      --purge) PURGE=true ;;
      -h|--help) sed -n "${help_lines}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument: $arg (only --purge is supported)" ;;
    esac
  done
}

# stop_service NAME ADDRESS PID_FUNC IS_OURS TIMEOUT POLL
# Stops the server, if PID_FUNC finds it: SIGTERM (a clean shutdown), then SIGKILL if it is still
# alive after TIMEOUT seconds (checking every POLL seconds); returns once it is gone. Does
# nothing (but say so) if none runs.
stop_service() {
  local name="$1" address="$2" pid_func="$3" is_ours="$4" timeout="$5" poll="$6" pid deadline
  if pid="$("$pid_func")"; then
    log "stopping $name pid $pid ($address, state in $STATE_DIR)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while "$is_ours" "$pid" && (( SECONDS < deadline )); do
      sleep "$poll"
    done
    if "$is_ours" "$pid"; then
      log "still alive after ${timeout}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while "$is_ours" "$pid"; do sleep 0.2; done
    fi
    log "$name stopped"
  else
    log "no $name running for $address (state in $STATE_DIR)"
  fi
}

# purge_state_dir WHAT LOOKS_LIKE_STATE
# Deletes $STATE_DIR (--purge of the stop scripts). Guard against deleting something that is not
# a state folder of this server (a mistyped *_STATE_DIR): only an empty folder, or one the
# function LOOKS_LIKE_STATE accepts, is deleted; WHAT names it in the refusal ("a broker").
purge_state_dir() {
  local what="$1" looks_like_state="$2"
  if [[ -d "$STATE_DIR" ]]; then
    "$looks_like_state" || [[ -z "$(ls -A "$STATE_DIR")" ]] \
      || die "refusing to purge $STATE_DIR: it does not look like $what state folder"
    rm -rf -- "$STATE_DIR"
    log "purged $STATE_DIR"
  else
    log "nothing to purge ($STATE_DIR does not exist)"
  fi
}
