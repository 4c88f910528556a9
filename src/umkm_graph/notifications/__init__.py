"""Notifications: the outbox of messages to people, their preferences, and the texts in Bahasa Indonesia and English.

Another domain's service calls `service.notify(user_id, kind, parameters)` inside its own transaction; the jobs deliver
the outbox through the notifiers (sending.py). Who hears what is the calling domain's rule; notifiers only deliver."""
