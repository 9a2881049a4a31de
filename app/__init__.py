"""Key account management service."""

__version__ = "0.1.0"
