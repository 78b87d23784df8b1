"""Errors the extractor raises on purpose, each with a message fit for a user."""


class InputError(ValueError):
    """A document that cannot be read as text (missing, empty, binary, undecodable, too large)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class RulesError(ValueError):
    """A rules or vocabulary file that is malformed; the message names file, line/rule and problem."""


class BudgetExceeded(RuntimeError):
    """Extraction of one document ran past its time budget."""
