"""The privacy notice, and what happens before a person accepts it.

Until a person chooses a language (which accepts the notice), the bot keeps nothing about them:
no row, no message log, no conversation memory. It still answers their questions, each one on
its own. Only while an update is being handled is it held (``inbound_updates``, erased once
handled; its id is kept two days to recognise duplicates), and with several workers a flood
counter keyed by the Telegram id lives for the flood window. Two things need the person's row:

- asking for a person, following a topic (🔔), or keeping a rating: the notice is shown first,
  with the language buttons; nothing is kept until one is pressed;
- an emergency: the contacts are shown at once and the message goes to an operator at once (a
  row with the Telegram id, and the ticket), as the notice says. Safety first.
"""

from __future__ import annotations

from telegram import Update

from bot.dialogue import Choice
from bot.dialogue.core import language_name
from bot.dialogue.payloads import ChooseLanguage
from bot.i18n import LANGUAGES, Translator
from bot.telegram.context import Context
from bot.telegram.profile import language_of
from bot.telegram.send import send_text


def language_choices(preselected: str | None, then: str | None = None) -> tuple[Choice, ...]:
    """The three languages by their own names; the preselected one is ticked. ``then``: the
    topic to open once one is chosen (the person came by a link to it)."""
    return tuple(
        Choice(
            ("✓ " if code == preselected else "") + language_name(code),
            ChooseLanguage(code, then),
        )
        for code in LANGUAGES
    )


def notice(t: Translator, retention_days: int) -> str:
    """What is kept, for how long, and how choosing a language accepts it."""
    return "\n\n".join(
        (
            t.gettext(
                "Hello! I am MRC Assistant, the bot of the Migrant Resource Centre in Dushanbe. "
                "I answer questions about work abroad, documents, and family matters."
            ),
            t.ngettext(
                "Privacy: I keep your messages for {n} day to answer you and to improve my "
                "answers, then delete them. I never ask for your name, phone or passport "
                "number. /privacy tells more; /deletemydata deletes everything.",
                "Privacy: I keep your messages for {n} days to answer you and to improve my "
                "answers, then delete them. I never ask for your name, phone or passport "
                "number. /privacy tells more; /deletemydata deletes everything.",
                retention_days,
            ),
            t.gettext(
                "Until you choose a language I keep nothing about you, except if you write that "
                "you are in danger: then your message goes to an MRC operator at once."
            ),
            t.gettext("By choosing your language you accept this. Choose your language:"),
        )
    )


async def show_notice(
    update: Update, context: Context, reason: str | None = None, then: str | None = None
) -> None:
    """The notice with the language buttons, after ``reason`` (why it is needed now); ``then``:
    the topic to open once a language is chosen."""
    chat = update.effective_chat
    if chat is None:
        return
    language = language_of(update, context)
    t = Translator(language)
    text = notice(t, context.services.settings.message_retention_days)
    await send_text(
        context.bot,
        chat.id,
        f"{reason}\n\n{text}" if reason else text,
        language_choices(language, then),
    )


def needs_consent(t: Translator) -> str:
    """Why the notice is shown when someone asks for what needs their data kept."""
    return t.gettext(
        "To do this I need to keep your messages. Please read the privacy notice and choose "
        "your language first."
    )
