"""Resetting a forgotten password with a one-time code sent through the notifications outbox. It comes after
notifications in the domains' order: people cannot write to the outbox, and this needs both."""
