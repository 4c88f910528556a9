"""A purchase for tests: two verified shops with stock and a buyer (Market), the checkout input, and reading stock and
orders back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop

ERRORS = "errors { code field message }"
ORDER_FIELDS = """
  id reference status subtotal deliveryFee total pickupCode note
  shop { id }
  delivery { kind provider service kecamatan kelurahan address }
  lines { productName unitPrice quantity lineTotal product { id stock } }
  payment { method provider status amount paidAt }
  history { fromStatus toStatus by reason }
"""
CHECKOUT = f"""
mutation($input: CheckoutInput!) {{
  checkout(input: $input) {{ checkout {{ id total orders {{ {ORDER_FIELDS} }} }} {ERRORS} }}
}}
"""
# The same, with an idempotency key ($key may be null): a retry answers the first checkout.
CHECKOUT_WITH_KEY = f"""
mutation($input: CheckoutInput!, $key: String) {{
  checkout(input: $input, idempotencyKey: $key) {{ checkout {{ id total orders {{ {ORDER_FIELDS} }} }} {ERRORS} }}
}}
"""
PRODUCT = "query($id: ID!) { product(id: $id) { stock price } }"
MY_ORDERS = "{ myOrders { totalCount edges { node { id status } } } }"
ADDRESS = {"kecamatan": "lowokwaru", "kelurahan": "dinoyo", "street": "Jl. MT Haryono No. 5"}


@dataclass
class Market:
    """Two verified shops in Klojen, each with stock, and a buyer in Lowokwaru."""

    officer: Person
    seller: Person
    shop: dict[str, Any]
    beras: dict[str, Any]
    minyak: dict[str, Any]
    other_seller: Person
    other_shop: dict[str, Any]
    telur: dict[str, Any]
    buyer: Person


async def market(api: Api) -> Market:
    officer = await city_person(api)
    seller, other_seller = await sign_up(api, "SELLER", "Bu Endang"), await sign_up(api, "SELLER", "Pak Harto")
    shop = await verified_shop(api, seller, officer, name="Toko Bu Endang")
    other_shop = await verified_shop(
        api, other_seller, officer, name="Warung Pak Harto", deliveryFees=[{"kecamatan": "Lowokwaru", "fee": 8000}]
    )
    beras = await add_product(api, seller, shop["id"], name="Beras Medium 5 kg", price=67500, stock=20)
    minyak = await add_product(api, seller, shop["id"], category="minyak-goreng", name="MinyaKita 1 L", unit="LITRE",
                               packSize=1, price=15700, stock=30)
    telur = await add_product(api, other_seller, other_shop["id"], category="telur", name="Telur Ayam 1 kg", unit="KG",
                              packSize=1, price=28000, stock=10)
    buyer = await sign_up(api, name="Siti Aminah")
    return Market(officer, seller, shop, beras, minyak, other_seller, other_shop, telur, buyer)


def cart(
    lines: list[tuple[dict[str, Any], int]],
    shops: list[tuple[dict[str, Any], str]],
    *,
    payment: str = "COD",
    address: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The checkout input: (product, quantity) lines and (shop, delivery provider) choices."""
    value: dict[str, Any] = {
        "lines": [{"productId": product["id"], "quantity": quantity} for product, quantity in lines],
        "shops": [{"shopId": shop["id"], "deliveryProvider": provider} for shop, provider in shops],
        "paymentMethod": payment,
    }
    if address is not None:
        value["address"] = address
    return {"input": value}


async def check_out(api: Api, buyer: Person, variables: dict[str, Any]) -> dict[str, Any]:
    return (await api.ok(CHECKOUT, variables, buyer.token))["checkout"]


async def stock(api: Api, product: dict[str, Any], seller: Person) -> int:
    return (await api.gql(PRODUCT, {"id": product["id"]}, seller.token))["product"]["stock"]


async def order_count(api: Api, person: Person) -> int:
    return (await api.gql(MY_ORDERS, token=person.token))["myOrders"]["totalCount"]


PAYMENT_METHODS = "{ paymentMethods { code provider displayName cashOnDelivery maxAmount } }"
DELIVERY_OPTIONS = """
query($shop: ID!, $kecamatan: String) {
  deliveryOptions(shopId: $shop, kecamatan: $kecamatan) { provider service kind displayName fee cashOnDelivery }
}
"""


@dataclass
class ThirdShop:
    seller: Person
    shop: dict[str, Any]
    gula: dict[str, Any]


async def third_shop(api: Api, m: Market) -> ThirdShop:
    """A third verified shop, selling gula, for carts from three shops."""
    seller = await sign_up(api, "SELLER", "Bu Sri")
    shop = await verified_shop(api, seller, m.officer, name="Toko Bu Sri")
    gula = await add_product(api, seller, shop["id"], category="gula", name="Gula Pasir 1 kg", unit="KG", packSize=1,
                             price=17500, stock=15)
    return ThirdShop(seller, shop, gula)


def with_payment(variables: dict[str, Any], shop_index: int, payment: str) -> dict[str, Any]:
    """The checkout input with one shop paying by its own method."""
    variables["input"]["shops"][shop_index]["paymentMethod"] = payment
    return variables
