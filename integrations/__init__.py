"""Adapters to other government systems (case library, national forestry administration, One-Netcom, SMS)
through an outbox: the business transaction queues a message, a worker delivers it with retries, backoff,
idempotency keys and a dead letter (``python -m integrations deliver [--loop]``)."""
