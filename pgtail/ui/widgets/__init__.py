"""The widgets of the full-screen UI, one per module."""
