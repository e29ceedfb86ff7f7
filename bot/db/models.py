"""The models. Store the minimum: migrants' data is sensitive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from bot.db.base import Base, utcnow


class User(Base):
    """Someone who talks to the bot, on one channel (Telegram, the terminal demo...)."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint("language IN ('tg', 'ru', 'en')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    #: The id on that channel (a Telegram user id as text); never a name or phone number.
    external_id: Mapped[str] = mapped_column(String(64))
    #: The reply language the user chose; ``None`` until they choose.
    language: Mapped[str | None] = mapped_column(String(2))
    #: When the user accepted the privacy notice; ``None`` until they do.
    consent_at: Mapped[datetime | None]
    #: The migrant's topic in the staff forum group, reused for all their tickets.
    staff_thread_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    #: What the dialogue remembers between messages, when several workers share the users
    #: (one worker keeps it in memory). Dropped after a day and with /deletemydata.
    conversation: Mapped[dict[str, object] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"User(id={self.id}, channel={self.channel!r}, language={self.language!r})"


class Article(Base):
    """A knowledge-base article: one per topic, with its translations and metadata."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), unique=True)
    urgent: Mapped[bool] = mapped_column(default=False)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    related: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_reviewed: Mapped[date | None]
    review_due: Mapped[date | None]
    needs_staff_review: Mapped[bool] = mapped_column(default=False)
    review_notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    translations: Mapped[list[ArticleTranslation]] = relationship(
        back_populates="article", cascade="all, delete-orphan", lazy="selectin"
    )
    sources: Mapped[list[ArticleSource]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ArticleSource.position"
    )
    facts: Mapped[list[ArticleFact]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ArticleFact.position"
    )


class ArticleTranslation(Base):
    """An article in one language; every change is kept in ``revisions``."""

    __tablename__ = "article_translations"
    __table_args__ = (
        UniqueConstraint("article_id", "language"),
        CheckConstraint("language IN ('tg', 'ru', 'en')", name="language"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: An unpublished edit from the console (the bot keeps answering with title/body).
    draft_title: Mapped[str | None] = mapped_column(String(200))
    draft_body: Mapped[str | None] = mapped_column(Text)
    #: Another language of the article changed; an editor must confirm this one.
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    #: Who made the last change: ``import`` for the files, else a staff account.
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article: Mapped[Article] = relationship(back_populates="translations")
    revisions: WriteOnlyMapped[ArticleRevision] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ArticleRevision.id"
    )


class ArticleRevision(Base):
    """One saved version of a translation (the history staff can diff and restore)."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("article_translations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleSource(Base):
    """A source of an article's facts: a web page or a document."""

    __tablename__ = "article_sources"
    __table_args__ = (UniqueConstraint("article_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(1000))
    document: Mapped[str | None] = mapped_column(String(500))
    #: law, official, international, news, lawyer, document or other.
    kind: Mapped[str] = mapped_column(String(16), default="other", server_default="other")
    #: The date the page states, and the day it was read.
    published: Mapped[date | None]
    accessed: Mapped[date | None]
    retired: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class ArticleFact(Base):
    """A number, rule or contact stated in an article, with the key of its source."""

    __tablename__ = "article_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    value: Mapped[str] = mapped_column(String(200))
    claim: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(64))
    certain: Mapped[bool] = mapped_column(default=True)
    #: The name the text uses, ``{{fact:key}}`` (unique in the knowledge base).
    key: Mapped[str | None] = mapped_column(String(64), index=True)
    #: text, number, date or phone: how the value is shown.
    kind: Mapped[str] = mapped_column(String(16), default="text", server_default="text")
    #: When it was last checked against its source.
    checked: Mapped[date | None]
    country: Mapped[str | None] = mapped_column(String(32))
    retired: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class Contact(Base):
    """An organisation's contact details in the registry (articles name them by key). Only
    verified details are shown to migrants; staff edit them in the console."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    #: Language -> name, address, opening hours.
    name: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    address: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    hours: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Numbers, each a string or {"number": ..., "label": {language: text}}.
    phones: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: mrc, ministry, embassy, consulate, hotline, emergency, international, other.
    group: Mapped[str] = mapped_column(String(32), default="other")
    country: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    telegram: Mapped[str | None] = mapped_column(String(200))
    source_title: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str | None] = mapped_column(String(1000))
    source_kind: Mapped[str] = mapped_column(String(16), default="other")
    checked: Mapped[date | None]
    review_due: Mapped[date | None]
    verified: Mapped[bool] = mapped_column(default=False)
    retired: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by: Mapped[str] = mapped_column(String(64), default="import")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Message(Base):
    """A message a user sent and what the bot did with it; deleted after the retention period.

    The text is kept so that staff can improve the bot from unanswered questions; it is never
    logged, and a user can delete all of theirs.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None]
    action: Mapped[str] = mapped_column(String(16))
    article: Mapped[str | None] = mapped_column(String(64))
    #: The section of the article the answer showed (None: the article from its beginning).
    section: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Feedback(Base):
    """A 👍 or 👎 on an answer."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(64))
    #: The section the answer showed, if it was one section.
    section: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboundUpdate(Base):
    """A Telegram update as it arrived: claimed once, so a duplicate is dropped, and kept until
    it is handled, so that an update is not lost when the bot stops in the middle of it.

    The payload (which holds the user's message) is erased as soon as the update is handled;
    the id alone is kept for two days to recognise late duplicates.
    """

    __tablename__ = "inbound_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[dict[str, object] | None] = mapped_column(JSON(none_as_null=True))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handled_at: Mapped[datetime | None]


OPEN_TICKET = text("status IN ('waiting', 'in_progress')")


class Ticket(Base):
    """A conversation handed to people: who, why, how urgent, and how it went."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'in_progress', 'closed')", name="status"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        # One open ticket per migrant, even with several bot workers.
        Index(
            "uq_tickets_one_open_per_user",
            "user_id",
            unique=True,
            sqlite_where=OPEN_TICKET,
            postgresql_where=OPEN_TICKET,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    #: 0 normal, 1 high, 2 urgent (emergencies; raised while a ticket waits).
    priority: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    #: request (asked for a person), emergency, feedback, fallback.
    reason: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_reply_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    #: When an operator first looked at it (a note, a suggestion tapped, the console's page).
    seen_at: Mapped[datetime | None]
    #: When the migrant was told, once, that the answer is later than promised.
    apologized_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(200))
    rating: Mapped[int | None]


class TicketEntry(Base):
    """A line of a ticket's transcript: the migrant, an operator, an internal note, the bot."""

    __tablename__ = "ticket_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffAccount(Base):
    """A person who uses the staff console: admin, editor or operator."""

    __tablename__ = "staff_accounts"
    __table_args__ = (CheckConstraint("role IN ('admin', 'editor', 'operator')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: argon2id, never the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2), default="ru")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who changed what, when, with the state before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, object] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, object] | None] = mapped_column(JSON(none_as_null=True))


class InboxDecision(Base):
    """What staff decided about a message the bot could not answer well."""

    __tablename__ = "inbox_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('assigned', 'new_article', 'dismissed')", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    decision: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(64))
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingPhrase(Base):
    """A training phrase added in the console (exported into ``nlu/`` for training)."""

    __tablename__ = "training_phrases"
    __table_args__ = (UniqueConstraint("intent", "language", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intent: Mapped[str] = mapped_column(String(64))
    #: The section of the topic's article the phrase asks about (chooses the section at once;
    #: None: the topic only).
    section: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(Base):
    """A migrant asked to be told when a topic's article changes (🔔)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The last notification run this subscriber was sent (or skipped) in.
    last_run_id: Mapped[int] = mapped_column(default=0)


class NotificationRun(Base):
    """An editor told a topic's subscribers about an update: how far the sending got."""

    __tablename__ = "notification_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    total: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]


class FloodCounter(Base):
    """Inbound flood control shared by several bot workers: updates per user in a window."""

    __tablename__ = "flood_counters"

    #: The Telegram user id (not the ``users`` row: counted before anything is stored).
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    window_start: Mapped[datetime]
    count: Mapped[int]
    warned: Mapped[bool] = mapped_column(default=False)


class Reminder(Base):
    """A date a migrant asked to be reminded of (issue 15): the patent paid until, the
    registration valid until, or the last day of a legal stay. Only the date and how to send
    it are kept, and only while the reminder is active (plus ``bot.reminders.store.GRACE``)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint("kind IN ('patent', 'registration', 'stay')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    due: Mapped[date]
    #: For the patent: the region it was issued in (a key of bot.reminders.regions), if given.
    region: Mapped[str | None] = mapped_column(String(32))
    #: The IANA time zone the person's reminders are sent in.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    #: The next reminder, as days before ``due`` (7, 3, 1 or 0), and when it is sent (UTC);
    #: both None once the last was sent.
    next_step: Mapped[int | None]
    next_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderSent(Base):
    """One reminder sent, for the dashboard's weekly figure: its kind and time, no person."""

    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AnswerGrade(Base):
    """Staff's judgement of one of the bot's answers (issue 16): right, partly right or wrong,
    with a reason. Kept after the message itself is deleted (then without it), for the pass
    rate over time."""

    __tablename__ = "answer_grades"
    __table_args__ = (
        CheckConstraint("grade IN ('right', 'partly', 'wrong')", name="grade"),
        UniqueConstraint("message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(2))
    topic: Mapped[str | None] = mapped_column(String(64))
    section: Mapped[str | None] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(String(300))
    graded_by: Mapped[str] = mapped_column(String(64))
    graded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SavedReply(Base):
    """A reusable reply staff keep for operators (issue 16), in up to three languages."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    text_tg: Mapped[str | None] = mapped_column(Text)
    text_ru: Mapped[str | None] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def text(self, language: str) -> str | None:
        """The reply in ``language`` (None when it has none)."""
        value = {"tg": self.text_tg, "ru": self.text_ru, "en": self.text_en}.get(language)
        return value or None
