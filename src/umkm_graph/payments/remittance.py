"""Courier-collected cash on delivery, paid on to the shop: a courier that collects an order's cash owes it to the shop
until its remittance report (delivery/remittance.py reads it) settles the debt. Settled once per order; what the courier
remitted is kept beside what it owed, so a short remittance is a discrepancy on record, never absorbed."""

from __future__ import annotations

import datetime as dt

from umkm_graph.events import PaymentStatusChanged
from umkm_graph.hookspecs import CashRemittance as RemittanceReport
from umkm_graph.payments.models import CashCollection, CashCollector, CashRemittance, Payment, PaymentStatus
from umkm_graph.payments.service import MAX_CASH_FACTOR, record_cash


async def settle(
    payment: Payment, shop_id: int, provider: str, report: RemittanceReport, source: str
) -> tuple[str, list[PaymentStatusChanged]]:
    """Record the courier's remittance of the payment's cash; the outcome, and the payment's news when the report is
    also the first word that the cash was collected (the courier's, then: the seller had not confirmed it). Call
    inside the transaction that records the report: a second report of the same order fails on the unique payment."""
    news: list[PaymentStatusChanged] = []
    collection = await CashCollection.get_or_none(payment_id=payment.id)
    if collection is None:
        if payment.status != PaymentStatus.PENDING:
            return f"ignored: the payment is {payment.status.value}", []
        if report.collected is not None and report.collected > MAX_CASH_FACTOR * payment.amount:
            return "ignored: the courier reports more cash than it could have collected", []
        news.append(await record_cash(payment, None, shop_id, report.collected, CashCollector.COURIER))
        collection = await CashCollection.get(payment_id=payment.id)
    elif collection.collector != CashCollector.COURIER:
        return "ignored: the seller collected this order's cash, so no courier owes it", []
    await CashRemittance.create(
        payment_id=payment.id, shop_id=shop_id, provider=provider, event_id=report.event_id, owed=collection.collected,
        remitted=report.remitted, provider_reference=report.remittance_reference, source=source,
        remitted_at=report.remitted_at or dt.datetime.now(dt.UTC),
    )
    difference = report.remitted - collection.collected
    if difference == 0:
        return f"remitted: Rp{report.remitted}", news
    return f"remitted: Rp{report.remitted}, {'short' if difference < 0 else 'over'} by Rp{abs(difference)}", news
