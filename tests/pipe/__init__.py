"""The pipe mode: the real command as a subprocess."""
