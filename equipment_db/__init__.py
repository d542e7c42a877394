"""equipment-db: military-equipment systems and the sourced public claims made about them."""

__version__ = "0.1.0"
