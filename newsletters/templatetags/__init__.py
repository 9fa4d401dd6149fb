"""Template tags of the newsletters admin."""
