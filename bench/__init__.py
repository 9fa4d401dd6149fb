"""The public-site benchmark: `make bench`. See README.md, "Performance"."""
