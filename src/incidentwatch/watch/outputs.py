"""Where alerts go: the terminal, an append-only JSON Lines log, a webhook, email.  Each `send` either
delivers the alert or raises; the loop keeps undelivered alerts in the outbox and tries again."""
from __future__ import annotations

import json
import os
import smtplib
from email.message import EmailMessage
from typing import Callable

import httpx

from .config import Output


class DeliveryError(Exception):
    pass


def sender(output: Output, print_line: Callable[[str], None], user_agent: str, timeout: float):
    o = output.options
    if output.kind == "terminal":
        return lambda alert: print_line(alert["text"])
    if output.kind == "jsonl":
        def to_log(alert):
            line = json.dumps({"id": alert["id"], "created_at": str(alert["created_at"]), **alert["payload"]},
                              ensure_ascii=False, default=str)
            with open(o["path"], "a", encoding="utf-8") as f:
                f.write(line + "\n")
                f.flush()
                os.fsync(f.fileno())
        return to_log
    if output.kind == "webhook":
        client = httpx.Client(headers={"User-Agent": user_agent}, timeout=float(o.get("timeout", timeout)))

        def post(alert):
            body = {"id": alert["id"], "text": alert["text"], **alert["payload"]}
            try:
                r = client.post(o["url"], content=json.dumps(body, ensure_ascii=False, default=str).encode(),
                                headers={"Content-Type": "application/json", **dict(o.get("headers", {}))})
            except httpx.HTTPError as e:
                raise DeliveryError(f"webhook {o['url']}: {type(e).__name__}") from None
            if r.status_code >= 300:
                raise DeliveryError(f"webhook {o['url']}: HTTP {r.status_code}")
        post.close = client.close
        return post

    def mail(alert):  # email
        msg = EmailMessage()
        msg["From"] = o["from"]
        to = o["to"] if isinstance(o["to"], list) else [o["to"]]
        msg["To"] = ", ".join(to)
        subject = f"[incidentwatch] {alert['payload']['change']}: {alert['payload']['headline']}"
        msg["Subject"] = " ".join(subject.split())[:200]  # text from articles: no line breaks in a header
        msg.set_content(alert["text"] + "\n\n" + json.dumps(alert["payload"], indent=2, ensure_ascii=False,
                                                             default=str))
        try:
            with smtplib.SMTP(o["host"], int(o.get("port", 25)), timeout=float(o.get("timeout", timeout))) as s:
                if o.get("starttls"):
                    s.starttls()
                if o.get("user"):
                    s.login(o["user"], o.get("password") or os.environ.get(o.get("password_env", ""), ""))
                s.send_message(msg)
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryError(f"email via {o['host']}: {type(e).__name__}: {e}") from None
    return mail
