"""What a message can be about, and the values each kind takes, in the order a template channel receives them.

The calling domain chooses who hears which kind; the texts are in texts.py and its catalogs."""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Kind(str, enum.Enum):
    # To the seller
    NEW_ORDER = "NEW_ORDER"
    ACCEPT_REMINDER = "ACCEPT_REMINDER"  # before the accept deadline (sent by the deadline jobs, issue 13 section 2)
    CERTIFICATE_EXPIRING = "CERTIFICATE_EXPIRING"  # before a verified certificate expires (issue 17 section 4)
    # To the buyer
    ORDER_ACCEPTED = "ORDER_ACCEPTED"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    ORDER_CANCELLED = "ORDER_CANCELLED"  # to whichever side did not cancel
    PAYMENT_RECEIVED = "PAYMENT_RECEIVED"
    PAYMENT_EXPIRED = "PAYMENT_EXPIRED"
    REFUND_MADE = "REFUND_MADE"
    # To both sides (sent by the complaints, issue 13 section 3)
    COMPLAINT_OPENED = "COMPLAINT_OPENED"
    COMPLAINT_ANSWERED = "COMPLAINT_ANSWERED"
    # To the account's owner, on the account's own email or phone only (password_reset/service.py)
    PASSWORD_RESET = "PASSWORD_RESET"
    # To a shop's followers (shops/following.py)
    FOLLOWED_SHOP_NEW_PRODUCT = "FOLLOWED_SHOP_NEW_PRODUCT"
    FOLLOWED_SHOP_RESTOCKED = "FOLLOWED_SHOP_RESTOCKED"


# Each kind's values, in template order. Values named in MONEY are int rupiah, written as Rp15.700.
PARAMETERS: dict[Kind, tuple[str, ...]] = {
    Kind.NEW_ORDER: ("reference", "shop", "buyer", "total"),
    Kind.ACCEPT_REMINDER: ("reference", "shop", "deadline"),
    Kind.CERTIFICATE_EXPIRING: ("shop", "certificate", "number", "valid_until"),
    Kind.ORDER_ACCEPTED: ("reference", "shop"),
    Kind.READY_FOR_PICKUP: ("reference", "shop", "pickup_code", "shop_address"),
    Kind.OUT_FOR_DELIVERY: ("reference", "shop"),
    Kind.DELIVERED: ("reference", "shop"),
    Kind.ORDER_CANCELLED: ("reference", "shop", "reason"),
    Kind.PAYMENT_RECEIVED: ("reference", "amount"),
    Kind.PAYMENT_EXPIRED: ("reference", "amount"),
    Kind.REFUND_MADE: ("reference", "amount", "reason"),
    Kind.COMPLAINT_OPENED: ("reference", "reason"),
    Kind.COMPLAINT_ANSWERED: ("reference", "answer"),
    Kind.PASSWORD_RESET: ("name", "code", "minutes"),
    Kind.FOLLOWED_SHOP_NEW_PRODUCT: ("shop", "product", "price"),
    Kind.FOLLOWED_SHOP_RESTOCKED: ("shop", "product", "price"),
}
MONEY = frozenset({"total", "amount", "price"})
# Values that must not outlive the message: the outbox blanks them once the message is sent or given up.
SECRET = frozenset({"code"})
SECRET_REMOVED = "[removed]"

Parameters = Mapping[str, str | int]


def check_parameters(kind: Kind, parameters: Parameters) -> dict[str, str | int]:
    """The parameters as a plain dict; a ValueError (a bug in the caller, not the user's input) when they are not
    exactly the kind's, or a money value is not int rupiah."""
    expected = set(PARAMETERS[kind])
    if set(parameters) != expected:
        raise ValueError(f"{kind.value} takes {sorted(expected)}, got {sorted(parameters)}")
    for name in MONEY & expected:
        if not isinstance(parameters[name], int) or isinstance(parameters[name], bool):
            raise ValueError(f"{kind.value}.{name} is money: int rupiah")
    return dict(parameters)


def without_secrets(parameters: Parameters) -> dict[str, str | int]:
    return {name: SECRET_REMOVED if name in SECRET else value for name, value in parameters.items()}
