"""API views, one module per area; every view is a thin wrapper over an engine service or read."""
