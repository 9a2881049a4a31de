"""The agenda: what a KAM does today, from every account they own, most urgent first."""
