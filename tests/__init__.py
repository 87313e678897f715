"""pgtail's tests: real PostgreSQL servers, real terminals, no mocks."""
