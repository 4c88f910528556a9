"""The order state machine: the one table of allowed transitions, who may make each, and from which states.

    AWAITING_PAYMENT ──payment settled (the system)──> PLACED        (cashless orders start here)
    AWAITING_PAYMENT ──payment lapsed or failed (the system)──> CANCELLED
    PLACED ──accept──> ACCEPTED ──mark ready for pickup──> READY_FOR_PICKUP ──┐   (pickup orders)
                                └─mark out for delivery──> OUT_FOR_DELIVERY ──┴─mark delivered──> DELIVERED
    ACCEPTED ──mark ready for the courier (books it)──> READY_FOR_PICKUP   (DELIVERY by a booked courier; then the courier:)
        READY_FOR_PICKUP ──picked──> OUT_FOR_DELIVERY ──delivered──> DELIVERED;  returned ──> CANCELLED (stock back);
        READY_FOR_PICKUP ──booking cancelled──> ACCEPTED (the seller books again)
    DELIVERED ──complete (the buyer, once the payment is PAID)──> COMPLETED
    DELIVERED ──the completion window ran out, paid (the system)──> COMPLETED
    PLACED ──the seller did not accept in time (the system)──> CANCELLED   (stock back, payment voided or refunded)
    AWAITING_PAYMENT | PLACED | ACCEPTED ──cancel (the buyer or the seller, with a reason)──> CANCELLED
                                           (a paid order is refunded through its gateway)
    READY_FOR_PICKUP | OUT_FOR_DELIVERY ──the buyer refused it at handover (the seller records it; COD)──> CANCELLED

Cash on delivery is paid when the seller confirms the cash collected, which is allowed once the goods are handed over or on
their way (CASH_COLLECTABLE). COMPLETED therefore means: received, and paid. AWAITING_PAYMENT belongs to cashless payments:
the gateway's word (a webhook, or asking it) moves the order on, never a person.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.orders.models import DeliveryMethod, OrderStatus
from umkm_graph.payments.models import PaymentStatus

S = OrderStatus


class Party(str, enum.Enum):
    """The side of the order someone is on."""

    BUYER = "BUYER"
    SELLER = "SELLER"


class Action(enum.Enum):
    ACCEPT = "ACCEPT"
    MARK_READY_FOR_PICKUP = "MARK_READY_FOR_PICKUP"
    MARK_OUT_FOR_DELIVERY = "MARK_OUT_FOR_DELIVERY"
    MARK_DELIVERED = "MARK_DELIVERED"
    COMPLETE = "COMPLETE"
    CANCEL = "CANCEL"
    MARK_READY_FOR_COURIER = "MARK_READY_FOR_COURIER"
    REFUSED_AT_HANDOVER = "REFUSED_AT_HANDOVER"


@dataclass(frozen=True)
class Transition:
    to: OrderStatus
    sources: frozenset[OrderStatus]
    parties: frozenset[Party]
    verb: str  # as in "an order is <verb> by the seller"
    kind: DeliveryMethod | None = None  # only orders of this kind take this path
    needs_paid: bool = False


_SELLER, _BUYER, _EITHER = frozenset({Party.SELLER}), frozenset({Party.BUYER}), frozenset({Party.BUYER, Party.SELLER})

TRANSITIONS: dict[Action, Transition] = {
    Action.ACCEPT: Transition(S.ACCEPTED, frozenset({S.PLACED}), _SELLER, "accepted"),
    Action.MARK_READY_FOR_PICKUP: Transition(
        S.READY_FOR_PICKUP, frozenset({S.ACCEPTED}), _SELLER, "marked ready for pickup", DeliveryMethod.PICKUP
    ),
    Action.MARK_OUT_FOR_DELIVERY: Transition(
        S.OUT_FOR_DELIVERY, frozenset({S.ACCEPTED}), _SELLER, "marked out for delivery", DeliveryMethod.DELIVERY
    ),
    Action.MARK_DELIVERED: Transition(S.DELIVERED, frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY}), _SELLER, "marked delivered"),
    Action.COMPLETE: Transition(S.COMPLETED, frozenset({S.DELIVERED}), _BUYER, "completed", needs_paid=True),
    Action.CANCEL: Transition(S.CANCELLED, frozenset({S.AWAITING_PAYMENT, S.PLACED, S.ACCEPTED}), _EITHER, "cancelled"),
    Action.MARK_READY_FOR_COURIER: Transition(
        S.READY_FOR_PICKUP, frozenset({S.ACCEPTED}), _SELLER, "marked ready for the courier", DeliveryMethod.DELIVERY
    ),
    # The buyer would not take (or pay for) a cash-on-delivery order at handover: stock back, payment voided, and the
    # refusal counted against the buyer (delivery/refusals.py).
    Action.REFUSED_AT_HANDOVER: Transition(
        S.CANCELLED, frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY}), _SELLER, "refused by the buyer at handover"
    ),
}

# Made by the system when a booked courier reports on the parcel; a report that fits no source state is stale.
COURIER_PICKED_UP = Transition(S.OUT_FOR_DELIVERY, frozenset({S.READY_FOR_PICKUP}), frozenset(), "picked up by the courier")
COURIER_DELIVERED = Transition(
    S.DELIVERED, frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY}), frozenset(), "delivered by the courier"
)
COURIER_RETURNED = Transition(
    S.CANCELLED, frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY}), frozenset(), "returned by the courier"
)
COURIER_CANCELLED = Transition(S.ACCEPTED, frozenset({S.READY_FOR_PICKUP}), frozenset(), "sent back: booking cancelled")

# Made when an office's contact person confirms a shop's batch handed over (office_delivery/handover.py): what
# reached the office is delivered, whether or not the seller marked it on its way first.
OFFICE_HANDED_OVER = Transition(
    S.DELIVERED, frozenset({S.PLACED, S.ACCEPTED, S.OUT_FOR_DELIVERY}), frozenset(), "handed over at the office"
)

# Made by the system when a gateway reports on a cashless payment; nobody may make them by hand.
PAYMENT_SETTLED = Transition(S.PLACED, frozenset({S.AWAITING_PAYMENT}), frozenset(), "placed once paid")
PAYMENT_LAPSED = Transition(S.CANCELLED, frozenset({S.AWAITING_PAYMENT}), frozenset(), "cancelled unpaid")

# Made by the deadline jobs (orders/deadlines.py) when a window runs out.
ACCEPT_LAPSED = Transition(S.CANCELLED, frozenset({S.PLACED}), frozenset(), "cancelled unaccepted")
AUTO_COMPLETED = Transition(S.COMPLETED, frozenset({S.DELIVERED}), frozenset(), "completed by the system")

# The seller may confirm cash on delivery once the goods are handed over or on their way.
CASH_COLLECTABLE = frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY, S.DELIVERED})


def check_transition(
    action: Action, status: OrderStatus, party: Party, kind: DeliveryMethod, payment: PaymentStatus | None
) -> Transition:
    """The transition, if this party may make it from this status; otherwise a DomainError saying why not."""
    rule = TRANSITIONS[action]
    if party not in rule.parties:
        who = " or the ".join(p.value.lower() for p in sorted(rule.parties))
        raise DomainError(ErrorCode.FORBIDDEN, f"An order is {rule.verb} by the {who}", "id")
    if status not in rule.sources:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"A {status.value} order cannot be {rule.verb}", "id")
    if rule.kind is not None and kind != rule.kind:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"A {kind.value} order cannot be {rule.verb}", "id")
    if rule.needs_paid and payment != PaymentStatus.PAID:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"An order is {rule.verb} once it is paid; for cash on delivery the seller confirms the cash first",
            "id",
        )
    return rule
