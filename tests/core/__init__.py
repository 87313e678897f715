"""The listening core against real servers."""
