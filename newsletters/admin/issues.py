"""Admin for issues, sections, interviews and meetings."""
