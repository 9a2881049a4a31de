"""The stored, versioned rules configuration behind ``/v1/rules``."""
