"""Benchmarks: throughput, latency and memory against a raw psycopg baseline."""
