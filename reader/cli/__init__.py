"""The command line: argument parsing, progress, exit codes (the only place that prints)."""
