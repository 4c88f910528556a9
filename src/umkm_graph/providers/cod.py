"""Cash on delivery: the buyer pays in cash on handover, and the seller confirms the cash collected."""

from __future__ import annotations

from umkm_graph.hookspecs import PaymentMethodInfo, PaymentProvider, PaymentRequest, PaymentResult, hookimpl
from umkm_graph.settings import PluginSettings


class CashOnDelivery(PaymentProvider):
    code = "cod"
    display_name = "Cash on delivery (bayar di tempat)"

    def __init__(self, max_order_value: int) -> None:
        # Marketplaces cap COD: a refused parcel costs the seller the trip and the goods' time on the road.
        self.methods = (
            PaymentMethodInfo(code="COD", display_name=self.display_name, cash_on_delivery=True, max_amount=max_order_value),
        )

    def create_payment(self, request: PaymentRequest) -> PaymentResult:
        return PaymentResult()


@hookimpl
def register_payment_providers(settings: PluginSettings) -> list[PaymentProvider]:
    return [CashOnDelivery(settings.cod_max_order_value)]
