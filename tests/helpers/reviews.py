"""Reviews for tests: a purchased order line, bought cash on delivery and taken to a status, ready to be reviewed."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person
from umkm_graph.orders.models import OrderStatus

CREATE_REVIEW = """
mutation($line: ID!, $rating: Int!, $text: String! = "") {
  createReview(orderLineId: $line, rating: $rating, text: $text) {
    review { id rating text reply buyerName verifiedPurchase product { id } shop { id } }
    errors { code field message }
  }
}
"""
CHECKOUT = """
mutation($input: CheckoutInput!) {
  checkout(input: $input) { checkout { orders { id pickupCode lines { id } } } errors { code field message } }
}
"""
PRODUCT_SHOP = "query($id: ID!) { product(id: $id) { shop { id } } }"


# The transitions that take a new cash-on-delivery order to each status.
_PATHS: dict[OrderStatus, tuple[str, ...]] = {
    OrderStatus.PLACED: (),
    OrderStatus.ACCEPTED: ("acceptOrder",),
    OrderStatus.READY_FOR_PICKUP: ("acceptOrder", "markReadyForPickup"),
    OrderStatus.OUT_FOR_DELIVERY: ("acceptOrder", "markOutForDelivery"),
    OrderStatus.DELIVERED: ("acceptOrder", "markReadyForPickup", "markDelivered"),
    OrderStatus.COMPLETED: ("acceptOrder", "markReadyForPickup", "markDelivered", "confirmCashCollected", "completeOrder"),
    OrderStatus.CANCELLED: ("cancelOrder",),
}
_BY_BUYER = ("completeOrder", "cancelOrder")
ADDRESS = {"kecamatan": "Lowokwaru", "kelurahan": "Dinoyo", "street": "Jl. MT Haryono No. 5"}


async def transition(api: Api, name: str, order: dict[str, Any], person: Person) -> None:
    declared, passed, variables = "", "", {"id": order["id"]}
    if name == "markDelivered":
        declared, passed, variables["code"] = ", $code: String", ", pickupCode: $code", order["pickupCode"]
    if name == "cancelOrder":
        declared, passed, variables["reason"] = ", $reason: String!", ", reason: $reason", "Salah pesan"
    operation = f"mutation($id: ID!{declared}) {{ {name}(id: $id{passed}) {{ errors {{ code field message }} }} }}"
    await api.ok(operation, variables, person.token)


async def purchased_line(
    api: Api, buyer: Person, seller: Person, product_id: str, status: OrderStatus = OrderStatus.DELIVERED
) -> str:
    """The id of a line for one pack of the product, bought by buyer (cash on delivery) and taken to `status`."""
    shop_id = (await api.gql(PRODUCT_SHOP, {"id": product_id}))["product"]["shop"]["id"]
    delivered = status == OrderStatus.OUT_FOR_DELIVERY
    cart: dict[str, Any] = {
        "lines": [{"productId": product_id, "quantity": 1}],
        "shops": [{"shopId": shop_id, "deliveryProvider": "shop_courier" if delivered else "pickup"}],
        "paymentMethod": "COD",
    }
    if delivered:
        cart["address"] = ADDRESS
    (order,) = (await api.ok(CHECKOUT, {"input": cart}, buyer.token))["checkout"]["orders"]
    for name in _PATHS[status]:
        await transition(api, name, order, buyer if name in _BY_BUYER else seller)
    return str(order["lines"][0]["id"])
