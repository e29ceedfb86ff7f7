"""MRC Assistant: the Migrant Resource Centre's bot for Tajik labour migrants and their families."""

from pathlib import Path

__version__ = "0.1.0"

#: The project's root: where ``config.yml``, ``domain.yml``, ``nlu/`` and ``locales/`` live.
PROJECT_DIR = Path(__file__).resolve().parent.parent
