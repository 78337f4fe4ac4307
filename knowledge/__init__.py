"""The review as data: passages, bibliography, schema, ingestion, the index and retrieval."""
