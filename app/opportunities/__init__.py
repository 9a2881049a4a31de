"""Opportunities: the pipeline of potential deals per account."""
