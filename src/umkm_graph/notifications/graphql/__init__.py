"""Notifications in GraphQL: a person's preferences, and the outbox as the city sees it."""
