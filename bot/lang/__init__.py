"""Language identification: Tajik, Russian or English, whatever the script."""

from bot.lang.detect import LanguageGuess, detect_language

__all__ = ["LanguageGuess", "detect_language"]
