"""The shop's own delivery (kurir toko): a flat fee per destination kecamatan, where the shop has set one."""

from __future__ import annotations

from umkm_graph.hookspecs import DeliveryKind, DeliveryProvider, DeliveryQuote, QuoteRequest, hookimpl


class ShopCourier(DeliveryProvider):
    code = "shop_courier"
    display_name = "Shop's own delivery (kurir toko)"
    kind = DeliveryKind.DELIVERY

    def quote(self, request: QuoteRequest) -> list[DeliveryQuote]:
        if request.destination is None:
            return []
        fee = request.shop.delivery_fees.get(request.destination.kecamatan)
        if fee is None:
            return []
        name = f"{request.shop.name} delivers to Kecamatan {request.destination.kecamatan}"
        return [DeliveryQuote(service="standard", display_name=name, fee=fee, cash_on_delivery=True)]


@hookimpl
def register_delivery_providers() -> list[DeliveryProvider]:
    return [ShopCourier()]
