"""The public-site benchmark: `make bench`. See bench/README.md."""
