# The command line of a script configured only by its environment (the start scripts): -h or
# --help prints the script's header comment, and any other argument is refused before anything
# starts (a mistyped option must not start a broker or a cluster). Sourced, not run.
accept_no_args() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      *) echo "[$(basename "$0" .sh)] ERROR: unknown argument: $arg (settings come from the environment; see --help)" >&2
         exit 2 ;;
    esac
  done
}
