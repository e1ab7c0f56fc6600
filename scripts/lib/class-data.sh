#!/usr/bin/env bash
# Class-data sharing for the launcher (sourced by launch.sh): a JVM that maps an archive of the
# classes its main loaded last time starts 3-5 s sooner on this project's 12,000-15,000 classes
# (README, "Running the pipelines" and Benchmarks). Per main class and classpath, in target/cds/:
#   1st launch: the JVM lists the classes it loads (-XX:DumpLoadedClassList; costs nothing);
#   2nd launch: the archive is made from that list in the background at the lowest CPU priority
#               (java -Xshare:dump: 25-40 s of one core, 100-130 MB), while the job runs without it;
#   later:      the JVM maps the archive (-XX:SharedArchiveFile).
# The files are named after a key of the classpath and of the project's classes jar, so a rebuild
# or other dependencies start over (and the old files go). An archive the JVM finds stale anyway
# is ignored by the JVM, silently: the run is only slower. One archive is made at a time.
# CLASS_DATA_SHARING=false turns it off, and so does -Xshare or -XX:SharedArchiveFile in JAVA_OPTS.
#
#   class_data_flags CDS_DIR NAME CLASSPATH [java options for the dump...]
# (NAME: the main class and the runner's classpath profile, e.g. KafkaToSilver-direct-runner)
# prints the JVM flags for this launch, one per line, and starts the dump when it is due.
#   class_data_enabled; class_data_archived CDS_DIR NAME; class_data_dumping CDS_DIR
# tell whether launches use archives, whether NAME has one, whether a dump runs (for the benches).

class_data_enabled() {
  [[ "${CLASS_DATA_SHARING:-true}" != false && "${JAVA_OPTS:-}" != *-Xshare* \
     && "${JAVA_OPTS:-}" != *SharedArchiveFile* ]]
}

class_data_archived() { # class_data_archived CDS_DIR NAME (the next launch drops another build's)
  compgen -G "$1/$2-*.jsa" > /dev/null
}

class_data_dumping() { # class_data_dumping CDS_DIR
  [[ -d "$1/.dumping" ]]
}

class_data_flags() {
  local dir="$1" name="$2" cp="$3"
  shift 3
  class_data_enabled || return 0
  local jar="${cp%%:*}" key base
  key="$(printf '%s %s' "$cp" "$(stat -c '%s.%Y' "$jar" 2> /dev/null || stat -f '%z.%m' "$jar")" \
    | cksum | cut -d' ' -f1)"
  base="$dir/$name-$key"
  mkdir -p "$dir"
  # Another build's files for this main are of no use any more.
  find "$dir" -maxdepth 1 -name "$name-*" ! -name "$name-$key*" -exec rm -rf {} + 2> /dev/null || true

  if [[ -f "$base.jsa" ]]; then
    echo "-XX:SharedArchiveFile=$base.jsa"
    return 0
  fi
  # A list whose JVM has exited is complete: make the archive from it.
  local list pid
  for list in "$base".classlist.*; do
    [[ -f "$list" ]] || continue
    pid="${list##*.}"
    if ! kill -0 "$pid" 2> /dev/null; then
      class_data_dump "$dir" "$base" "$list" "$cp" "$@"
      return 0
    fi
  done
  # No list yet (or only one still being written): this JVM writes one. The launcher execs java,
  # so $$ is the JVM's process id.
  if ! compgen -G "$base.classlist.*" > /dev/null && ! compgen -G "$base.failed" > /dev/null; then
    echo "-XX:DumpLoadedClassList=$base.classlist.$$"
  fi
}

# Makes BASE.jsa from LIST in the background, unless another dump runs; its log: BASE.log.
class_data_dump() {
  local dir="$1" base="$2" list="$3" cp="$4"
  shift 4
  local lock="$dir/.dumping"
  if ! mkdir "$lock" 2> /dev/null; then
    local holder
    holder="$(cat "$lock/pid" 2> /dev/null || true)"
    if [[ -n "$holder" ]] && kill -0 "$holder" 2> /dev/null; then return 0; fi
    if [[ -z "$holder" && -z "$(find "$lock" -maxdepth 0 -mmin +1)" ]]; then return 0; fi
    rm -rf "$lock"                      # left by a dump that was killed
    mkdir "$lock" 2> /dev/null || return 0
  fi
  echo "[launch] making a class-data archive for faster starts, in the background: $base.jsa" >&2
  (
    set +e
    # Only whole lines: a JVM stopped by a signal may have left half of one.
    if [[ -n "$(tail -c 1 "$list")" ]]; then sed '$d' "$list"; else cat "$list"; fi > "$base.list"
    if nice -n 19 java "$@" -Xshare:dump -XX:SharedClassListFile="$base.list" \
         -XX:SharedArchiveFile="$base.jsa.tmp" -cp "$cp" > "$base.log" 2>&1 \
        && mv "$base.jsa.tmp" "$base.jsa"; then
      rm -f "$base".classlist.* "$base.list"
    else
      mv "$list" "$base.failed"         # not tried again for this build; see BASE.log
      rm -f "$base.jsa.tmp" "$base.list"
    fi
    rm -rf "$lock"
  ) < /dev/null > /dev/null 2>&1 &
  echo "$!" > "$lock/pid"
  disown 2> /dev/null || true
}
