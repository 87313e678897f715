"""Pure pieces, without a server."""
