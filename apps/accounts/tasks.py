"""Thin Celery tasks (apps.core.tasks)."""

from celery import shared_task

from .citizens import phone_code_deliver


@shared_task(name="accounts.phone_code_send")
def phone_code_send_task(code_id: int, phone: str, text: str) -> None:
    """Sent by `phone_code_send` with an expiry: a code's text is never stored, and a code
    that waited past its life in the queue is not texted."""
    phone_code_deliver(code_id=code_id, phone=phone, text=text)
