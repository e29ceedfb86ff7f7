"""The webhook receiver: Telegram posts updates here when ``MRC_WEBHOOK_URL`` is set.

Every request must carry the secret token given to ``setWebhook``; one without it is refused
(403) and logged. An update is claimed in the inbox before the 200 answer, so an update
Telegram considers delivered is never lost, and a redelivered one is handled once.
"""

from __future__ import annotations

import json
import logging
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from bot.telegram.context import MRCApplication, Services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000


def webhook_route(path: str, application: MRCApplication, services: Services, secret: str) -> Route:
    """The route that receives Telegram's updates at ``path``."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            client = request.client.host if request.client else "unknown"
            log.warning("refused a webhook request without the right secret token from %s", client)
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            log.warning("refused a webhook request that is not JSON")
            return Response(status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            log.warning("refused a webhook request without an update_id")
            return Response(status_code=400)
        try:
            update = Update.de_json(data, application.bot)
        except Exception:  # accepted and dropped: Telegram would send it again for ever
            log.warning("dropped update %d: not a valid Telegram update", data["update_id"])
            return Response(status_code=200)
        # record, not claim: a redelivery arriving before the handlers ran must not pass.
        if not await services.inbox.record(update.update_id, data):
            log.info("dropped update %d: already received", update.update_id)
            return Response(status_code=200)
        services.inbox.preclaimed.add(update.update_id)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])
