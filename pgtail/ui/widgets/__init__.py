"""The widgets of the full-screen UI, one per module; plus the channel palette they share and the
drawing of one log line (``palette``, ``log_lines``)."""
