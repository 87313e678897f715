"""The full-screen Textual UI: a thin consumer of :mod:`pgtail.core`."""
