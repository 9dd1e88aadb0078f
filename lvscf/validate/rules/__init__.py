"""The rule families, one module each (LVS1xx values ... LVS5xx health checks)."""
