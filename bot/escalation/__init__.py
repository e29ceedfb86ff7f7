"""Escalation to people: tickets, office hours, and what staff and migrants are told."""
