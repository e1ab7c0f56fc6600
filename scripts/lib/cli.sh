# Command-line helpers of the scripts (sourced, not run).

# Prints the calling script's header comment (its usage): the comment lines after the shebang.
print_usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

# -h or --help anywhere on the command line: prints the usage and exits 0, before the script does
# anything (builds, starts a JVM).
help_if_asked() {
  local arg
  for arg in "$@"; do
    case "$arg" in -h|--help) print_usage; exit 0 ;; esac
  done
}

# The command line of a script configured only by its environment (the start scripts): -h or
# --help prints the usage, and any other argument is refused before anything starts (a mistyped
# option must not start a broker or a cluster).
accept_no_args() {
  help_if_asked "$@"
  local arg
  for arg in "$@"; do
    echo "[$(basename "$0" .sh)] ERROR: unknown argument: $arg (settings come from the environment; see --help)" >&2
    exit 2
  done
}
