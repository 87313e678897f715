"""The modal screens of the full-screen UI, one per module."""
