"""Payouts made by hand: a city officer transfers a shop's balance from the platform's bank account, then records the
transfer here with the bank's reference. Nothing is sent anywhere; the payout is PAID as recorded."""

from __future__ import annotations

from umkm_graph.hookspecs import DisbursementProvider, PayoutRequest, PayoutResult, PayoutState, hookimpl


class ManualPayout(DisbursementProvider):
    code = "manual"
    display_name = "Transfer made by hand (transfer manual)"
    requires_reference = True

    def create_payout(self, request: PayoutRequest) -> PayoutResult:
        return PayoutResult(state=PayoutState.PAID, provider_reference=request.transfer_reference)


@hookimpl
def register_disbursement_providers() -> list[DisbursementProvider]:
    return [ManualPayout()]
