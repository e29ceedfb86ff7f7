"""The answer to the question asked, end to end on Telegram (issue 14): a specific question gets
its section first, "Whole article" gives the rest, and a short follow-up is read in context
(the real NLU, the real section index over the files' knowledge base, the Bot API emulator)."""

from __future__ import annotations

import pytest

from bot.i18n import Translator
from bot.kb.files import KB_DIR, load_article
from bot.kb.markup import sections
from tests.botapi import BotAPIEmulator
from tests.integration.e2e.conftest import BotProcess, choose_language, labels, plain

pytestmark = pytest.mark.integration

#: (language, a specific question about paying late, a follow-up about Kazakhstan). Written
#: for this test, apart from the training phrases and the NLU test sets.
CASES = [
    ("ru", "Как продлить патент, если я опоздал с оплатой на 2 дня?", "А в Казахстане как?"),
    ("tg", "Пули патентро ду рӯз дер додам, акнун чӣ мешавад?", "Дар Қазоқистон чӣ?"),
    ("en", "I paid for my patent three days late, what happens now?", "and in Kazakhstan?"),
]


def headings(language: str) -> dict[str, str]:
    """Section key -> its heading in the work patent article, as the reader sees it."""
    body = load_article(KB_DIR / "work_patent").translations[language].body
    return {s.key: s.title for s in sections(body)}


@pytest.mark.parametrize(("language", "question", "follow_up"), CASES)
def test_a_specific_question_gets_its_section_then_the_whole_article_and_a_follow_up(
    emu: BotAPIEmulator, bot: BotProcess, language: str, question: str, follow_up: str
) -> None:
    t = Translator(language)
    titles = headings(language)
    user = emu.user("Specific", language_code=language)
    choose_language(emu, user, language)

    seen = len(emu.received(user.id))
    emu.send_text(user, question)
    [answer] = emu.wait_for(user.id, after=seen)
    text = plain(answer)
    assert titles["paying"] in text  # the section that answers it...
    assert titles["deadlines"] not in text  # ...not the article from the top
    assert labels(answer)[0] == t.pgettext("button", "📖 Whole article")
    assert titles["payment"] in labels(answer)  # the other sections, one tap away
    assert t.gettext("Was this helpful?") in text

    seen = len(emu.received(user.id))
    emu.press(user, t.pgettext("button", "📖 Whole article"))
    [whole] = emu.wait_for(user.id, after=seen)
    assert titles["deadlines"] in plain(whole)  # from its beginning

    seen = len(emu.received(user.id))
    emu.send_text(user, follow_up)
    [context] = emu.wait_for(user.id, after=seen)
    assert titles["kazakhstan"] in plain(context)  # the same topic, for Kazakhstan
    assert titles["paying"] not in plain(context)
