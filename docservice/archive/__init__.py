"""The archive: validation, text, content-addressed storage and the ingest service."""
