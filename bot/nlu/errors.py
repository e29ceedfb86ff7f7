"""The exceptions of the NLU client.

::

    NLUError                 anything that kept the NLU from answering
    ├── NLUUnavailable       the server cannot be reached, refuses the token, or fails (5xx)
    ├── NLUTimeout           the server did not answer in time
    └── NLUBadResponse       the server answered something that is not a parse result
"""


class NLUError(Exception):
    """The NLU could not understand the message; the caller should degrade, not fail."""


class NLUUnavailable(NLUError):
    """The Rasa server cannot be reached, rejects our token, or failed."""


class NLUTimeout(NLUError):
    """The Rasa server did not answer within the configured time."""


class NLUBadResponse(NLUError):
    """The Rasa server's answer could not be read as a parse result."""
