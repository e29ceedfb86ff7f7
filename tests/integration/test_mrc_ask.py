"""``mrc ask --jsonl`` against the real NLU server and a real database with the shipped articles."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot import PROJECT_DIR
from tests.integration.conftest import RasaEndpoint

MRC = str(PROJECT_DIR / ".venv" / "bin" / "mrc")

QUESTIONS = [
    ({"text": "патентро чӣ тавр гирам"}, "answer", "work_patent", "tg"),
    ({"text": "kak oplatit patent"}, "answer", "work_patent", "ru"),
    ({"text": "how do I check if I have an entry ban to Russia"}, "answer", "entry_ban", "en"),
    # Written clearly in Tajik by someone who chose Russian: answered in Tajik (with an offer).
    ({"text": "регистрация чанд рӯз бояд кунам", "lang": "ru"}, "answer",
     "migration_registration", "tg"),
    ({"text": "помогите брата избили и закрыли на стройке"}, "escalate", "emergency_help", "ru"),
    ({"text": "оператор лозим"}, "escalate", None, "tg"),
    ({"text": "salom"}, "smalltalk", None, "tg"),
    ({"text": "what will the weather be tomorrow"}, "out_of_scope", None, "en"),
    # A specific question: its section first (issue 14).
    ({"text": "скока стоит патент в месяц в Москве"}, "answer", "work_patent", "ru"),
]  # fmt: skip


@pytest.fixture
def ask_env(rasa_server: RasaEndpoint, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MRC_")}
    env.update(
        MRC_NLU_URL=rasa_server.url,
        MRC_NLU_TOKEN=rasa_server.token,
        MRC_DATABASE_URL=f"sqlite:///{tmp_path / 'mrc.db'}",
        MRC_DATA_DIR=str(tmp_path / "var"),
    )
    return env


def test_jsonl_decisions_in_three_languages(ask_env: dict[str, str]) -> None:
    lines = [json.dumps(q, ensure_ascii=False) for q, *_ in QUESTIONS] + ["not json", "[1]"]
    result = subprocess.run(
        [MRC, "ask", "--jsonl"], input="\n".join(lines), env=ask_env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(lines)
    for (question, action, article, language), out in zip(QUESTIONS, outputs, strict=False):
        assert (out["action"], out["lang"]) == (action, language), (question, out)
        if article:
            assert out["article"] == article, (question, out)
        assert out["reply"]
    emergency = outputs[4]
    assert emergency["escalate"] is True
    assert "112" in emergency["reply"]
    assert outputs[0]["section"] is None  # a general question: the article from its beginning
    assert outputs[len(QUESTIONS) - 1]["section"] == "payment"
    assert outputs[-2] == {"error": "not JSON", "input": "not json"}
    assert outputs[-1]["error"].startswith("needs an object")


def test_one_question_prints_the_reply_and_choices(ask_env: dict[str, str]) -> None:
    result = subprocess.run(
        [MRC, "ask", "how do I get a work patent in Russia"], env=ask_env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Work patent" in result.stdout.splitlines()[0]
    assert "**" not in result.stdout
    assert "[1]" in result.stdout


def test_several_nlu_servers_share_the_questions_and_a_dead_one_is_skipped(
    ask_env: dict[str, str], rasa_server: RasaEndpoint
) -> None:
    from bot.nlu.server import free_loopback_port
    from tests.integration.e2e.proxy import RoundRobinProxy

    dead = f"http://127.0.0.1:{free_loopback_port()}"  # nothing listens there
    with RoundRobinProxy([rasa_server.url]) as second:  # another way to the model
        ask_env.update(MRC_NLU_URL=f"{dead},{second.url},{rasa_server.url}", MRC_NLU_MANAGE="false")
        lines = [json.dumps(q, ensure_ascii=False) for q, *_ in QUESTIONS] * 2
        result = subprocess.run(
            [MRC, "ask", "--jsonl"], input="\n".join(lines), env=ask_env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        forwarded = sum(second.forwarded.values())
    assert result.returncode == 0, result.stderr  # 3 would mean answered without the model
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(lines)
    for (question, action, article, _), out in zip(QUESTIONS * 2, outputs, strict=True):
        assert out["action"] == action, (question, out)
        assert out.get("article") == article or article is None, (question, out)
    assert forwarded >= len(lines) // 3, "the questions were shared between the servers"
    failed_parses = [
        line for line in result.stderr.splitlines() if dead in line and "/model/parse" in line
    ]
    assert 1 <= len(failed_parses) <= 3, "tried, then left to rest (5 s at a time)"
