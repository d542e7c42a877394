"""Read-only routes, one module per domain."""
