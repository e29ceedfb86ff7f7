"""The knowledge base: curated articles in tg, ru and en, as files and in the database."""
