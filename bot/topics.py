"""The topics the bot covers, their display titles, and the conversation intents.

The keys are those of ``topics.yml`` (the project's copy of the topic spec) and are stable;
titles are translated.
"""

from __future__ import annotations

from bot.i18n import N_

CONVERSATION_INTENTS = (
    "greet",
    "goodbye",
    "thanks",
    "bot_challenge",
    "request_human",
    "out_of_scope",
)

#: Topic key -> English title (the gettext message id).
TOPIC_TITLES: dict[str, str] = {
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "pre_departure": N_("Preparing to leave"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "job_search_abroad": N_("Finding legal work abroad"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "work_patent": N_("Work patent"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "migration_registration": N_("Migration registration"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "entry_ban": N_("Entry bans"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "medical_exam_insurance": N_("Medical exam and insurance"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "language_exam": N_("Russian language exam"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "police_fines": N_("Police checks and fines"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "labour_rights": N_("Labour rights"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "remittances": N_("Sending money home"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "fraud_traps": N_("Fraud and traps"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "passport_documents": N_("Passports and documents"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "consulate_contacts": N_("Embassy and consulates"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "citizenship_tajik": N_("Tajik citizenship"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "citizenship_foreign": N_("Residence permits and foreign citizenship"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "child_born_abroad": N_("Children born abroad"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "family_matters": N_("Marriage, divorce and alimony"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "education": N_("Education and diplomas"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "return_reintegration": N_("Returning home"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "diaspora_engagement": N_("Diaspora and compatriots"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "mrc_services": N_("The Migrant Resource Centre"),
    # TRANSLATORS: a topic's title: a menu button, and the heading of its answers
    "emergency_help": N_("Emergency help"),
}

TOPICS = tuple(TOPIC_TITLES)
INTENTS = CONVERSATION_INTENTS + TOPICS

#: The menu: categories of topics (key -> English title, topics in menu order).
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "before": (
        N_("Before you leave"),
        ("pre_departure", "job_search_abroad", "medical_exam_insurance", "language_exam"),
    ),
    "legal": (
        N_("Documents and legal stay"),
        (
            "work_patent",
            "migration_registration",
            "entry_ban",
            "police_fines",
            "passport_documents",
            "citizenship_foreign",
        ),
    ),
    "work": (N_("Work and money"), ("labour_rights", "remittances", "fraud_traps")),
    "family": (
        N_("Family, children and citizenship"),
        ("child_born_abroad", "family_matters", "citizenship_tajik", "education"),
    ),
    "return": (N_("Returning and the diaspora"), ("return_reintegration", "diaspora_engagement")),
    "help": (N_("Help and contacts"), ("emergency_help", "consulate_contacts", "mrc_services")),
}


def category_of(topic: str) -> str | None:
    """The menu category a topic is listed in."""
    return next((key for key, (_, topics) in CATEGORIES.items() if topic in topics), None)


#: The countries whose rules articles tell apart (the NLU's ``country`` entity values).
COUNTRY_NAMES: dict[str, str] = {
    # TRANSLATORS: a country, in "the rules in {country} differ"
    "russia": N_("Russia"),
    # TRANSLATORS: a country, in "the rules in {country} differ"
    "kazakhstan": N_("Kazakhstan"),
}
#: Cities the NLU recognises, by the country whose rules apply there.
CITY_COUNTRY: dict[str, str] = {
    **dict.fromkeys(
        ("moscow", "saint_petersburg", "yekaterinburg", "novosibirsk", "kazan", "samara", "ufa",
         "krasnoyarsk", "chelyabinsk", "rostov_on_don", "nizhny_novgorod", "perm", "tyumen",
         "surgut"),
        "russia",
    ),
    "almaty": "kazakhstan",
    "astana": "kazakhstan",
}  # fmt: skip


def country_named(entities: list[tuple[str, str]]) -> str | None:
    """The destination country a message names, by a country or a city (``(entity, value)``
    pairs from the NLU); None when it names none of those whose rules articles tell apart."""
    for entity, value in entities:
        if entity == "country" and value in COUNTRY_NAMES:
            return value
        if entity == "city" and value in CITY_COUNTRY:
            return CITY_COUNTRY[value]
    return None
