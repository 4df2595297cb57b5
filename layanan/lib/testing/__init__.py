"""Helpers for tests that need real servers (a throwaway PostgreSQL cluster, an S3 server)."""
