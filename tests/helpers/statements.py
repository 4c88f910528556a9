"""Counting the SQL statements a request sends, from tortoise's database client logger (it logs each one at DEBUG)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _StatementLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # The same logger reports opening and closing connections; those are not statements.
        if not message.startswith(("Created connection", "Closed connection")):
            self.statements.append(message)


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _StatementLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
