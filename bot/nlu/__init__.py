"""Natural-language understanding: the Rasa model, its training and server, and the HTTP client.

``bot`` never imports Rasa: the model is trained and served from the separate ``.venv-nlu``
environment (Python 3.10), and the bot talks to the server over HTTP.
"""

from bot.nlu.client import NLUClient, NLUResult
from bot.nlu.errors import NLUBadResponse, NLUError, NLUTimeout, NLUUnavailable

__all__ = ["NLUBadResponse", "NLUClient", "NLUError", "NLUResult", "NLUTimeout", "NLUUnavailable"]
