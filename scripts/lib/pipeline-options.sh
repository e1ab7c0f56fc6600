# The launchers' per-runner defaults: runners/<dir>/pipeline.options, one option per line, '#'
# comments. Sourced by scripts/lib/launch.sh and scripts/bench-ingest.sh.

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
