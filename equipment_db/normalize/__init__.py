"""Turning what editors and sources write into canonical, comparable values."""
