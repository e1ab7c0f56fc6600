# The launchers' per-runner defaults: runners/<dir>/pipeline.options, one option per line, '#'
# comments. Sourced by scripts/lib/launch.sh and scripts/bench-ingest.sh.

# Prints the Maven profile of the runner ARGS name (--runner=...): direct-runner (the default),
# spark-runner or flink-runner; runners/<profile without -runner>/ holds its settings.
runner_profile() { # runner_profile ARGS...
  local profile=direct-runner arg
  for arg in "$@"; do
    case "${arg,,}" in
      --runner=*spark*) profile=spark-runner ;;
      --runner=*flink*) profile=flink-runner ;;
    esac
  done
  echo "$profile"
}

# Prints, one per line, the options of runners/DIR/pipeline.options that ARGS do not give
# (command-line options win); nothing if the runner has no such file.
pipeline_defaults() { # pipeline_defaults REPO_ROOT DIR ARGS...
  local file="$1/runners/$2/pipeline.options" line name given arg
  shift 2
  [[ -f "$file" ]] || return 0
  while IFS= read -r line; do
    line="${line%%#*}"; line="${line//[[:space:]]/}"
    [[ -z "$line" ]] && continue
    name="${line%%=*}"
    given=false
    for arg in "$@"; do [[ "$arg" == "$name="* || "$arg" == "$name" ]] && given=true; done
    $given || echo "$line"
  done < "$file"
}
