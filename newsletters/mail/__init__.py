"""Email from the newsletter: personal links and the messages that carry them."""
