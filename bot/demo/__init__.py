"""The local demo: MRC Assistant in a terminal, without Telegram."""
