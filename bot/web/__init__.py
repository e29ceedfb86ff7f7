"""The local web server: the Telegram webhook receiver (and, later, the staff console)."""
