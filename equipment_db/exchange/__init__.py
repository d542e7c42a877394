"""Import and export: JSON Lines (every record type) and CSV (claims), by natural keys."""
