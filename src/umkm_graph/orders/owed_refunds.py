"""Refunds the gateway cannot make (a virtual account, cash on delivery): owed to the buyer, who gives the bank account
it goes to, and paid by a city officer through the payout path, a disbursement provider (a gateway's bank transfer, or
one made by hand and recorded with the bank's reference).

The money left the payment and the shop's balance when the refund was written (payments.service.refund), so paying it
changes no ledger: it only moves the refund OWED -> SENDING -> PAID. Each attempt has its own reference, the disbursement
gateway's idempotency key; the officer's key names the attempt, so sending it again (at once, or after a lost answer)
asks the gateway about that attempt under the same reference and never pays twice. An attempt the gateway refuses
leaves the refund OWED, with the reason, for another try. The buyer hears "refund made" when it is PAID.
"""

from __future__ import annotations

import datetime as dt
import logging

from tortoise.transactions import in_transaction

from umkm_graph.balances.payouts import check_key, checked_account, disbursement_provider
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.hookspecs import BankAccount, PayoutRequest, PayoutResult, PayoutState, PayoutStatusRequest
from umkm_graph.orders import announcements
from umkm_graph.orders.models import Order
from umkm_graph.payments.models import Payment, PaymentRefund, RefundRoute, RefundStatus
from umkm_graph.payments.service import is_cash_on_delivery
from umkm_graph.people.access import require_role, require_user
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import Providers, RefusedByProvider
from umkm_graph.shops.models import Shop

log = logging.getLogger("umkm_graph.orders")

OPEN = (RefundStatus.OWED, RefundStatus.SENDING)
FIELD = ["input", "refundId"]


async def set_refund_account(user: User | None, refund_id: int, bank: str, account_number: str,
                             account_name: str) -> PaymentRefund:
    """The buyer gives the bank account an owed refund goes to; a later one replaces it until the transfer is sent."""
    buyer = require_user(user)
    refund = await PaymentRefund.get_or_none(id=refund_id).select_related("payment__order")
    if refund is None or refund.payment.order.buyer_id != buyer.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No refund of yours has this id", "refundId")
    account = checked_account(bank, account_number, account_name)
    changed = await PaymentRefund.filter(id=refund.id, route=RefundRoute.TRANSFER, status=RefundStatus.OWED).update(
        bank=account.bank, account_number=account.account_number, account_name=account.account_name)
    if not changed:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only a refund owed by transfer takes a bank account, until "
                          f"its transfer is sent; this one is {refund.route.value} and {refund.status.value}",
                          "refundId")
    return await PaymentRefund.get(id=refund.id)


async def owed_refunds(user: User | None, window: Window) -> Page[PaymentRefund]:
    """City officers' queue: refunds owed by transfer, not paid yet, oldest first."""
    require_role(user, Role.CITY_OFFICER)
    query = PaymentRefund.filter(route=RefundRoute.TRANSFER, status__in=OPEN)
    return await page_of(query, window, ("created_at", "id"))


async def pay_owed_refund(
    user: User | None, refund_id: int, provider_code: str, transfer_reference: str | None, idempotency_key: str,
    providers: Providers,
) -> PaymentRefund:
    """A city officer pays an owed refund to the buyer's bank account; the refund, PAID, SENDING or OWED again (refused,
    with the reason in `failure`). The same key again asks how that attempt stands."""
    require_role(user, Role.CITY_OFFICER)
    check_key(idempotency_key)
    refund = await PaymentRefund.get_or_none(id=refund_id, route=RefundRoute.TRANSFER)
    if refund is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No refund owed by transfer has this id", FIELD)
    if refund.transfer_key == idempotency_key and refund.status != RefundStatus.OWED:
        return await _follow(refund, providers)
    if refund.status != RefundStatus.OWED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This refund is {refund.status.value}: "
                          + ("paid already" if refund.status == RefundStatus.PAID else
                             "its transfer is being sent; send that attempt's key again to ask how it stands"), FIELD)
    check = Validator(["input"])
    provider = disbursement_provider(providers, provider_code, transfer_reference, check)
    check.raise_if_any()
    assert provider is not None
    payment = await Payment.get(id=refund.payment_id)  # type: ignore[attr-defined]
    if not provider.requires_reference:
        if is_cash_on_delivery(payment, providers):  # the platform never held that cash: the seller hands it back
            raise DomainError(ErrorCode.NOT_AVAILABLE, "A cash-on-delivery refund is handed back by the seller and "
                              "recorded by hand (provider manual), with its reference", ["input", "provider"])
        if not refund.account_number:
            raise DomainError(ErrorCode.NOT_AVAILABLE, "The buyer has not given a bank account for this refund yet",
                              FIELD)
    attempt = refund.transfer_attempts + 1
    by_hand = transfer_reference.strip() if provider.requires_reference and transfer_reference else None
    values = {"status": RefundStatus.SENDING, "transfer_key": idempotency_key, "transfer_provider": provider.code,
              "transfer_reference": f"RF-{refund.id}-{attempt}", "transfer_attempts": attempt, "failure": "",
              "provider_reference": by_hand}
    if not await PaymentRefund.filter(id=refund.id, status=RefundStatus.OWED,
                                      transfer_attempts=refund.transfer_attempts).update(**values):
        # Another send took it first: the same key follows that attempt, another key is refused as above.
        return await pay_owed_refund(user, refund_id, provider_code, transfer_reference, idempotency_key, providers)
    refund.update_from_dict(values)
    return await _send(refund, payment, providers)


async def _send(refund: PaymentRefund, payment: Payment, providers: Providers) -> PaymentRefund:
    """Ask the provider to make the attempt (again, under its reference, if it never answered). A transfer made by
    hand carries the bank's reference, kept as the attempt's provider reference."""
    provider = providers.disbursement.get(refund.transfer_provider or "")
    if provider is None:
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"The {refund.transfer_provider!r} disbursement provider is not "
                          "installed", ["input", "provider"])
    order = await Order.get(id=payment.order_id)  # type: ignore[attr-defined]
    shop = await Shop.get(id=order.shop_id)  # type: ignore[attr-defined]
    request = PayoutRequest(
        reference=refund.transfer_reference or "", amount=refund.amount,
        account=BankAccount(bank=refund.bank, account_number=refund.account_number, account_name=refund.account_name),
        shop_id=shop.id, shop_name=shop.name, note=f"Refund {order.reference}"[:100],
        transfer_reference=refund.provider_reference if provider.requires_reference else None,
    )
    try:
        result = await providers.create_payout(provider, request, ["input", "provider"])
    except RefusedByProvider as refusal:
        result = PayoutResult(state=PayoutState.FAILED, reason=refusal.message[:150])
    except DomainError as error:  # no answer: SENDING, until the officer sends the same key again
        log.warning("refund transfer %s left sending: %s", refund.transfer_reference, error.message)
        return refund
    return await _apply(refund, order, result)


async def _follow(refund: PaymentRefund, providers: Providers) -> PaymentRefund:
    if refund.status != RefundStatus.SENDING:
        return refund
    payment = await Payment.get(id=refund.payment_id)  # type: ignore[attr-defined]
    provider = providers.disbursement.get(refund.transfer_provider or "")
    if provider is None or provider.requires_reference or refund.provider_reference is None:
        return await _send(refund, payment, providers)
    result = await providers.get_payout_status(provider, PayoutStatusRequest(
        reference=refund.transfer_reference or "", provider_reference=refund.provider_reference), ["input", "provider"])
    if result is None:
        return refund
    return await _apply(refund, await Order.get(id=payment.order_id), result)  # type: ignore[attr-defined]


async def _apply(refund: PaymentRefund, order: Order, result: PayoutResult) -> PaymentRefund:
    """The provider's answer, once, by a conditional update on the attempt: PAID tells the buyer, FAILED owes it again."""
    values: dict[str, object] = {"provider_reference": result.provider_reference or refund.provider_reference}
    if result.state == PayoutState.PAID:
        values |= {"status": RefundStatus.PAID, "paid_at": dt.datetime.now(dt.UTC)}
    elif result.state == PayoutState.FAILED:
        values |= {"status": RefundStatus.OWED, "failure": (result.reason or "refused")[:200]}
    async with in_transaction():
        changed = await PaymentRefund.filter(id=refund.id, status=RefundStatus.SENDING,
                                             transfer_attempts=refund.transfer_attempts).update(**values)
        if changed and result.state == PayoutState.PAID:
            await announcements.refund_made(order, refund.amount, refund.reason)
    return await PaymentRefund.get(id=refund.id)
