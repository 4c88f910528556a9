"""Writing the shop balance ledger: the entries a settled cashless payment, a refund and a payout make. Each is called
inside the transaction of the change that causes it, so the entry and the change commit together or not at all.

Only money the platform holds or owes is on the ledger: a cashless payment's, and what city programmes' vouchers took
off an order (the city pays the shop that part, whichever way the buyer paid the rest). Cash on delivery is the
seller's (or the courier's) from the moment it is collected, so it has no entry. The platform's fee is taken per sale, in basis points
(UMKM_PLATFORM_FEE_BASIS_POINTS, zero by default), rounded down in the shop's favour; a refund gives back the fee on the
part refunded, so a sale refunded in full leaves the shop exactly where it was.
"""

from __future__ import annotations

from tortoise.functions import Sum

from umkm_graph.balances.models import BalanceEntry, EntryKind

BASIS_POINTS = 10_000
_fee_basis_points = 0


def use_platform_fee(basis_points: int) -> None:
    """The fee every sale pays from now on, set once at start-up from the settings (as the password hasher is)."""
    global _fee_basis_points
    if not 0 <= basis_points <= BASIS_POINTS:
        raise ValueError(f"a fee is 0 to {BASIS_POINTS} basis points, not {basis_points}")
    _fee_basis_points = basis_points


def platform_fee(amount: int) -> int:
    return amount * _fee_basis_points // BASIS_POINTS


async def credit_sale(payment_id: int, shop_id: int, amount: int, reference: str) -> None:
    """The shop's order of a cashless payment was settled: its amount is the shop's, less the platform's fee."""
    await BalanceEntry.create(shop_id=shop_id, kind=EntryKind.SALE, amount=amount, source=f"sale:{payment_id}",
                              payment_id=payment_id, description=f"Order {reference}"[:200])
    fee = platform_fee(amount)
    if fee:
        await BalanceEntry.create(shop_id=shop_id, kind=EntryKind.FEE, amount=-fee, source=f"fee:{payment_id}",
                                  payment_id=payment_id, description=f"Platform fee, order {reference}"[:200])


async def take_back_refund(payment_id: int, refund_id: int, amount: int, refunded_after: int, reference: str) -> None:
    """`amount` of a payment was given back to the buyer (`refunded_after` in all, this refund included): it comes off
    the shop's balance, with the fee on it returned. Nothing when the payment was never on the ledger (cash on delivery).
    A refund after a payout may take the balance below zero: the shop owes it, and later sales make it up."""
    sale = await BalanceEntry.get_or_none(source=f"sale:{payment_id}")
    if sale is None:
        return
    await BalanceEntry.create(shop_id=sale.shop_id, kind=EntryKind.REFUND, amount=-amount,  # type: ignore[attr-defined]
                              source=f"refund:{refund_id}", payment_id=payment_id,
                              description=f"Refund, order {reference}"[:200])
    fee = await BalanceEntry.get_or_none(source=f"fee:{payment_id}")
    if fee is None:
        return
    # The fee on what is refunded so far, less the fee on what was refunded before: never more than the fee taken.
    returned = (-fee.amount * refunded_after // sale.amount) - (-fee.amount * (refunded_after - amount) // sale.amount)
    if returned:
        await BalanceEntry.create(shop_id=sale.shop_id, kind=EntryKind.FEE_RETURNED,  # type: ignore[attr-defined]
                                  amount=returned, source=f"fee-returned:{refund_id}", payment_id=payment_id,
                                  description=f"Platform fee returned, order {reference}"[:200])


async def debit_payout(payout_id: int, shop_id: int, amount: int, reference: str) -> None:
    await BalanceEntry.create(shop_id=shop_id, kind=EntryKind.PAYOUT, amount=-amount, source=f"payout:{payout_id}",
                              payout_id=payout_id, description=f"Payout {reference}")


async def return_payout(payout_id: int, shop_id: int, amount: int, reference: str, why: str) -> None:
    await BalanceEntry.create(shop_id=shop_id, kind=EntryKind.PAYOUT_RETURNED, amount=amount,
                              source=f"payout-returned:{payout_id}", payout_id=payout_id,
                              description=f"Payout {reference} refused: {why}"[:200])


async def balance_of(shop_id: int) -> int:
    """The sum of the shop's entries. Inside a transaction that holds the shop's row, no payout can change it."""
    rows = await BalanceEntry.filter(shop_id=shop_id).annotate(total=Sum("amount")).group_by("shop_id").values("total")
    return int(rows[0]["total"] or 0) if rows else 0


async def credit_city_subsidy(order_id: int, shop_id: int, amount: int, reference: str) -> None:
    """A paid order's city-funded discount is owed to its shop; once per order, however often the payment is told."""
    if amount > 0 and not await BalanceEntry.exists(source=f"subsidy:{order_id}"):
        await BalanceEntry.create(shop_id=shop_id, kind=EntryKind.CITY_SUBSIDY, amount=amount,
                                  source=f"subsidy:{order_id}", description=f"City programme, order {reference}"[:200])


async def take_back_city_subsidy(order_id: int, reference: str) -> None:
    """The order was cancelled or refunded whole: its city subsidy is not owed any more (nothing if none was)."""
    subsidy = await BalanceEntry.get_or_none(source=f"subsidy:{order_id}")
    if subsidy is not None and not await BalanceEntry.exists(source=f"subsidy-returned:{order_id}"):
        await BalanceEntry.create(shop_id=subsidy.shop_id, kind=EntryKind.SUBSIDY_RETURNED,  # type: ignore[attr-defined]
                                  amount=-subsidy.amount, source=f"subsidy-returned:{order_id}",
                                  description=f"City programme taken back, order {reference}"[:200])
