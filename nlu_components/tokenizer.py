"""A Rasa tokenizer that splits like WhitespaceTokenizer and normalises every token.

Tokens keep their character offsets in the original message, so entity annotations and
extracted entity values stay exact, while the featurizers see the normalised text
(``nlu_components.normalize``): "ҷ", "ч", "j" and "љ" all become the same letter.
Runs in the NLU environment (Rasa 3.6, Python 3.10) only.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu_components.normalize import normalize_token


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalizingTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose tokens carry normalised text (and lemma)."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            normalized = normalize_token(token.text) or token.text
            token.text = normalized
            token.lemma = normalized
        return tokens
