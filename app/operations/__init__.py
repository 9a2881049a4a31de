"""Service-level endpoints: liveness, readiness and metadata."""
