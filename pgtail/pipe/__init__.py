"""Pipe mode: notifications as lines or JSON lines on stdout, and replayed recordings."""
