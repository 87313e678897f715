"""The process exit codes, the same in every mode (``pgtail --help`` lists them)."""

EXIT_OK = 0
"""Stopped by the user (Ctrl+C, q, SIGTERM/SIGHUP) or the output pipe closed."""
EXIT_PROBLEM = 1
"""``--check`` found a problem (notifications not delivered, a standby, ...)."""
EXIT_FAILED = 2
"""Bad arguments, or an error retrying cannot fix (bad DSN, wrong password, a standby)."""
