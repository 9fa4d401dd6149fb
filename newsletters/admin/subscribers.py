"""Admin for subscribers."""
