"""Editors' internal notes on claims and sources: kept, never published."""
