"""The demo: its embedded server and traffic."""
