"""Errors raised at the edge when input is read: each names the source, field and expectation."""


class BevsimError(ValueError):
    """Base class for every input error bevsim reports to a user."""


class SpecError(BevsimError):
    """A vehicle file or vehicle id is invalid."""


class CycleError(BevsimError):
    """A drive cycle name or CSV file is invalid."""


def did_you_mean(name: str, known: list[str]) -> str:
    """Return ' did you mean 'x'?' for the closest known name, or '' when none is close."""
    import difflib

    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.5)
    return f" did you mean '{close[0]}'?" if close else ""
