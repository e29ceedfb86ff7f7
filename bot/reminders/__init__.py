"""Personal deadlines (issue 15): reminders of the patent's payment, the registration and
the stay, and the stay calculator."""
