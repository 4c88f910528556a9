"""Where the plugin contract's PaymentEventStatus meets the payment ledger's column: the one mapping between them."""

from __future__ import annotations

from umkm_graph.hookspecs import PaymentEventStatus
from umkm_graph.payments.models import ReportedPaymentStatus

_STORED = {
    PaymentEventStatus.PENDING: ReportedPaymentStatus.PENDING,
    PaymentEventStatus.PAID: ReportedPaymentStatus.PAID,
    PaymentEventStatus.FAILED: ReportedPaymentStatus.FAILED,
    PaymentEventStatus.EXPIRED: ReportedPaymentStatus.EXPIRED,
    PaymentEventStatus.REFUNDED: ReportedPaymentStatus.REFUNDED,
    PaymentEventStatus.PARTIALLY_REFUNDED: ReportedPaymentStatus.PARTIALLY_REFUNDED,
}


def reported_status(status: PaymentEventStatus) -> ReportedPaymentStatus:
    """How the ledger stores a gateway's report."""
    return _STORED[status]
