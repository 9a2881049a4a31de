"""Measurements: dated engagement, loyalty and customer improvement scores, 0 to 10."""
