"""Full-text search over systems, claims and sources (SQLite FTS5, PostgreSQL tsvector)."""
