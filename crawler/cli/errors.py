"""Errors the CLI reports in one line, before any work starts."""


class UsageError(Exception):
    """Bad arguments or input: printed as `newscrawl CMD: error: ...`, exit status 2."""
