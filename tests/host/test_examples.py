"""Every example in examples/ runs, as written and with its variables file, against the seeded demo data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.api import Api, asgi_client, serve, started_app
from tests.helpers.documents import pdf_lines
from tests.helpers.mail import mailing, run_jobs, smtp_server
from tests.helpers.paths import REPO
from tests.helpers.uploads import phone_jpeg, receipt_photo
from umkm_graph.demo.seed import DEMO_PASSWORD, DEMO_SHOP_SLUG, seed_open_database
from umkm_graph.orders.models import Order
from umkm_graph.people.models import User
from umkm_graph.people.service import issue_token
from umkm_graph.settings import Settings

EXAMPLES = REPO / "examples"
TESTED = {"login", "storefront", "shop_page", "checkout_options", "checkout", "my_orders", "seller_order_queue",
          "accept_order", "notification_preferences", "search", "near_me",
          "seller_cash_statement", "city_cash_on_delivery", "receipts", "cart", "addresses", "complaint", "follow_shop",
          "forgot_password", "voucher_checkout", "city_programmes", "opds", "register_asn", "import_roster",
          "roster_participation", "city_growth", "open_office_delivery_day", "office_checkout", "office_pick_list",
          "office_handover", "offline_claim", "variants", "appoint_procurement_officer", "office_procurement", "sign_bast",
          "procurement_spending", "product_photos", "my_reward_vouchers", "refund_request", "pay_owed_refund"}
PRODUCT = "query($id: ID!) { product(id: $id) { name stock shop { id } } }"


def example(name: str) -> tuple[str, dict[str, Any]]:
    """The example's document and its variables."""
    variables = EXAMPLES / f"{name}.variables.json"
    return (EXAMPLES / f"{name}.graphql").read_text(), json.loads(variables.read_text()) if variables.exists() else {}


@pytest.fixture
async def demo(api: Api) -> Api:
    await seed_open_database()
    return api


async def run(api: Api, name: str, token: str | None = None, **overrides: Any) -> dict[str, Any]:
    query, variables = example(name)
    return await api.gql(query, {**variables, **overrides}, token)


async def sign_in(api: Api, email: str) -> str:
    login = (await run(api, "login", email=email, password=DEMO_PASSWORD))["login"]
    assert login["errors"] == []
    return str(login["token"])


def test_every_example_is_run_by_a_test() -> None:
    assert {path.stem for path in EXAMPLES.glob("*.graphql")} == TESTED


def test_every_variables_file_belongs_to_an_example() -> None:
    for path in EXAMPLES.glob("*.variables.json"):
        assert (EXAMPLES / path.name.replace(".variables.json", ".graphql")).exists(), path.name


async def test_login_example_signs_in_the_documented_asn_buyer(demo: Api) -> None:
    login = (await run(demo, "login"))["login"]
    assert login["errors"] == [] and isinstance(login["token"], str)
    assert login["user"]["role"] == "BUYER" and login["user"]["isAsn"] is True and login["user"]["opd"] == "Diskominfo"


async def test_storefront_example_lists_in_stock_sembako_in_klojen_cheapest_first(demo: Api) -> None:
    data = await run(demo, "storefront")
    assert "sembako" in {c["slug"] for c in data["categories"]}
    page = data["products"]
    nodes = [edge["node"] for edge in page["edges"]]
    assert len(nodes) == 5 and page["totalCount"] > 5 and page["pageInfo"]["hasNextPage"]
    prices = [node["price"] for node in nodes]
    assert prices == sorted(prices) and all(isinstance(p, int) and p <= 100_000 for p in prices)
    for node in nodes:
        assert node["shop"]["kecamatan"] == "Klojen" and node["stock"] > 0
        assert node["category"]["slug"] in {"beras", "minyak-goreng", "telur", "gula"}
        assert node["unitPrice"]["per"] in {"KG", "LITRE"} and isinstance(node["unitPrice"]["price"], int)

    after = await run(demo, "storefront", after=page["pageInfo"]["endCursor"])
    following = [edge["node"] for edge in after["products"]["edges"]]
    assert following and not {n["id"] for n in following} & {n["id"] for n in nodes}
    assert following[0]["price"] >= prices[-1]


async def test_shop_page_example_shows_the_demo_shop_with_its_products(demo: Api) -> None:
    shop = (await run(demo, "shop_page"))["shop"]
    assert shop["slug"] == DEMO_SHOP_SLUG and shop["kecamatan"] == "Klojen"
    fees = {fee["kecamatan"]: fee["fee"] for fee in shop["deliveryFees"]}
    assert fees["Klojen"] >= 5_000 and all(isinstance(fee, int) for fee in fees.values())
    products = [edge["node"] for edge in shop["products"]["edges"]]
    assert len(products) == shop["products"]["totalCount"] >= 9, "the demo shop sells the whole sembako range"
    names = {product["name"] for product in products}
    assert {"Beras Medium 5 kg", "Beras Medium Karung 25 kg", "MinyaKita 1 L", "Gula Pasir 1 kg"} <= names


async def test_shop_page_example_answers_null_for_an_unknown_slug(demo: Api) -> None:
    assert (await run(demo, "shop_page", slug="toko-yang-tidak-ada"))["shop"] is None


async def test_checkout_examples_offer_options_then_place_a_cash_on_delivery_order(demo: Api) -> None:
    token = await sign_in(demo, "asn@example.id")
    options = await run(demo, "checkout_options", token)
    offered = {option["provider"]: option for option in options["deliveryOptions"]}
    assert {"pickup", "shop_courier"} <= set(offered) and offered["pickup"]["fee"] == 0
    assert "COD" in {method["code"] for method in options["paymentMethods"]}

    _, variables = example("checkout")
    lines = variables["input"]["lines"]
    before = {line["productId"]: (await demo.gql(PRODUCT, {"id": line["productId"]}))["product"] for line in lines}
    assert all(product["shop"]["id"] == "1" for product in before.values()), "the file's ids fit a fresh seed"
    result = (await run(demo, "checkout", token))["checkout"]
    assert result["errors"] == []
    (order,) = result["checkout"]["orders"]
    assert order["status"] == "PLACED" and order["shop"]["name"] == "Toko Sembako Bu Sri"
    assert order["deliveryFee"] == offered["shop_courier"]["fee"] and order["delivery"]["kind"] == "DELIVERY"
    assert order["total"] == sum(line["lineTotal"] for line in order["lines"]) + order["deliveryFee"]
    assert order["payment"] == {"method": "COD", "status": "PENDING", "amount": order["total"]}
    for line in lines:
        after = (await demo.gql(PRODUCT, {"id": line["productId"]}))["product"]
        assert after["stock"] == before[line["productId"]]["stock"] - line["quantity"]


async def test_voucher_checkout_example_takes_the_shops_ten_percent_floored_per_line(demo: Api) -> None:
    token = await sign_in(demo, "asn@example.id")
    result = (await run(demo, "voucher_checkout", token))["checkout"]
    assert result["errors"] == []
    (order,) = result["checkout"]["orders"]
    assert [line["discount"] for line in order["lines"]] == [line["lineTotal"] // 10 for line in order["lines"]]
    assert {(d["code"], d["funder"]) for d in order["discounts"]} == {("BUSRI10", "SHOP")}
    assert order["discount"] == sum(d["amount"] for d in order["discounts"]) > 0
    assert order["total"] == order["subtotal"] + order["deliveryFee"] - order["discount"] == result["checkout"]["total"]


async def test_city_programmes_example_shows_kamis_mbois_to_an_analyst(demo: Api) -> None:
    token = await sign_in(demo, "analyst@malangkota.go.id")
    reward, row = (await run(demo, "city_programmes", token))["cityProgrammeFigures"]  # newest first
    assert row["programme"]["code"] == "KAMISMBOIS" and row["programme"]["weekdays"] == ["Kamis"]
    assert row["programme"]["asnOnly"] is True and row["programme"]["category"] == "sembako"
    assert (row["suppressed"], row["spend"], row["orders"]) == (False, 0, 0)  # the seeded history predates it
    assert (reward["programme"]["code"], reward["programme"]["rewardFor"], reward["spend"]) == ("AJAKTEMAN", "BOTH", 0)


async def test_the_reward_vouchers_example_shows_what_the_asn_earned_by_inviting(demo: Api) -> None:
    # asn@example.id invited five resident buyers, each of whom completed a first order (every demo buyer's first
    # order went well) while Ajak Teman ran: five REFERRER vouchers, none used; each invited buyer holds one REFERRED.
    held = (await run(demo, "my_reward_vouchers", await sign_in(demo, "asn@example.id")))["myRewardVouchers"]
    assert [(v["programme"]["code"], v["reason"], v["usable"]) for v in held] == [("AJAKTEMAN", "REFERRER", True)] * 5


async def test_checkout_example_reports_the_line_that_is_out_of_stock(demo: Api) -> None:
    token = await sign_in(demo, "asn@example.id")
    _, variables = example("checkout")
    variables["input"]["lines"][1]["quantity"] = 1000
    errors = (await demo.gql(example("checkout")[0], variables, token))["checkout"]["errors"]
    assert errors[0]["code"] == "OUT_OF_STOCK" and errors[0]["field"] == ["input", "lines", "1", "quantity"]


async def test_my_orders_example_shows_the_buyers_history_newest_first(demo: Api) -> None:
    token = await sign_in(demo, "asn@example.id")
    page = (await run(demo, "my_orders", token))["myOrders"]
    orders = [edge["node"] for edge in page["edges"]]
    assert orders and page["totalCount"] >= len(orders)
    assert [o["createdAt"] for o in orders] == sorted((o["createdAt"] for o in orders), reverse=True)
    assert "COMPLETED" in {o["status"] for o in orders}
    for order in orders:
        assert order["total"] == sum(line["lineTotal"] for line in order["lines"]) + order["deliveryFee"]
        assert order["payment"]["method"] == "COD" and order["shop"]["slug"]
        if order["status"] == "COMPLETED":
            assert order["payment"]["status"] == "PAID" and order["payment"]["paidAt"]
    completed = (await run(demo, "my_orders", token, status="COMPLETED"))["myOrders"]["edges"]
    assert completed and {edge["node"]["status"] for edge in completed} == {"COMPLETED"}


async def test_seller_queue_example_lists_placed_orders_the_seller_can_accept(demo: Api) -> None:
    token = await sign_in(demo, "penjual@example.id")
    data = await run(demo, "seller_order_queue", token)
    assert [edge["node"]["name"] for edge in data["myShops"]["edges"]] == ["Toko Sembako Bu Sri"]
    queue = [edge["node"] for edge in data["shopOrders"]["edges"]]
    assert queue and {order["status"] for order in queue} == {"PLACED"}
    assert all(order["buyer"]["name"] and order["lines"] for order in queue)

    accepted = (await run(demo, "accept_order", token, id=queue[0]["id"]))["acceptOrder"]
    assert accepted["errors"] == [] and accepted["order"]["status"] == "ACCEPTED"
    assert [step["toStatus"] for step in accepted["order"]["history"]] == ["PLACED", "ACCEPTED"]
    again = (await run(demo, "accept_order", token, id=queue[0]["id"]))["acceptOrder"]
    assert again["errors"][0]["code"] == "INVALID_TRANSITION"
    left = (await run(demo, "seller_order_queue", token))["shopOrders"]["totalCount"]
    assert left == len(queue) - 1


async def test_notification_preferences_example_sets_english_and_another_email(settings: Settings) -> None:
    with smtp_server() as (_, port):
        async with serve(mailing(settings, port)) as api:
            await seed_open_database()
            await _notification_preferences(api)


async def _notification_preferences(demo: Api) -> None:
    token = await sign_in(demo, "warga@example.id")
    result = (await run(demo, "notification_preferences", token))["updateNotificationPreferences"]
    assert result["errors"] == []
    assert result["preferences"]["language"] == "en"
    assert {"channel": "email", "displayName": "Email", "enabled": True, "address": "warga.kerja@example.id"} in \
        result["preferences"]["channels"]
    wrong = {"input": {"channels": [{"channel": "email", "enabled": True, "address": "bukan alamat"}]}}
    refused = (await run(demo, "notification_preferences", token, **wrong))["updateNotificationPreferences"]
    assert [e["field"] for e in refused["errors"]] == [["input", "channels", "0", "address"]]


async def test_a_buyer_follows_the_demo_shop_and_a_forgotten_password_sends_a_code_that_works(settings: Settings) -> None:
    with smtp_server() as (mailbox, port):
        configured = mailing(settings, port)
        async with started_app(configured) as app:
            api = Api(asgi_client(app))
            await seed_open_database()
            token = await sign_in(api, "warga@example.id")
            shop = (await api.gql("query($s: String!) { shop(slug: $s) { id followerCount } }",
                                  {"s": DEMO_SHOP_SLUG}))["shop"]
            followed = (await run(api, "follow_shop", token, shopId=shop["id"]))["followShop"]
            assert followed["errors"] == [] and followed["shop"]["followerCount"] == shop["followerCount"] + 1
            mine = await api.gql("{ myFollowedShops { edges { node { id } } } }", token=token)
            assert [e["node"]["id"] for e in mine["myFollowedShops"]["edges"]] == [shop["id"]]

            assert (await run(api, "forgot_password"))["requestPasswordReset"] == {"accepted": True, "errors": []}
            await run_jobs(app, configured)
            (mail,) = mailbox.to("warga@example.id")
            code = mail.get_content().split(": ", 1)[1].split(" .", 1)[0]
            reset = "mutation($c: String!) { resetPassword(code: $c, newPassword: \"Sandi-baru-77x\") { done errors { message } } }"
            assert (await api.gql(reset, {"c": code}))["resetPassword"] == {"done": True, "errors": []}
            await api.client.aclose()


async def test_search_example_finds_premium_beras_in_5_kg_sacks_despite_the_typo(demo: Api) -> None:
    found = (await run(demo, "search"))["productSearch"]
    nodes = [edge["node"] for edge in found["products"]["edges"]]
    assert nodes and all(node["name"].startswith("Beras Premium") and "5 kg" in node["name"] for node in nodes)
    assert found["facets"]["categories"][0]["value"] == "beras" and found["didYouMean"] is None
    nothing = (await run(demo, "search", text="gula pasri"))["productSearch"]
    assert nothing["products"]["edges"] == [] and nothing["didYouMean"] == "gula pasir"


async def test_near_me_example_lists_beras_nearest_first_from_shops_delivering_to_klojen(demo: Api) -> None:
    nodes = [edge["node"] for edge in (await run(demo, "near_me"))["products"]["edges"]]
    assert nodes and all(node["name"].startswith("Beras") for node in nodes)
    distances = [node["distanceKm"] for node in nodes]
    assert distances == sorted(distances) and distances[-1] <= 10
    assert all(isinstance(node["deliveryFee"], int) for node in nodes)


async def test_variants_example_lists_rice_by_its_best_price_per_kg_with_the_demos_5_kg_and_25_kg_sacks(
        demo: Api) -> None:
    nodes = [edge["node"] for edge in (await run(demo, "variants"))["products"]["edges"]]
    best = [node["bestUnitPrice"]["price"] for node in nodes]
    assert nodes and best == sorted(best)
    sacks = [node for node in nodes if [v["label"] for v in node["variants"]] == ["5 kg", "25 kg"]]
    assert sacks, "the demo gives its 5 kg rice a 25 kg sack"
    for node in sacks:
        bag, sack = node["variants"]
        assert (bag["packSize"], sack["packSize"]) == (5, 25) and sack["unitPrice"] < bag["unitPrice"]
        assert node["priceRange"] == {"min": bag["price"], "max": sack["price"]}
        assert node["bestUnitPrice"] == {"price": sack["unitPrice"], "per": "KG"}
    # a buyer picks the sack by its id
    buyer = await sign_in(demo, "asn@example.id")
    sack = sacks[0]["variants"][1]
    cart = (await demo.ok("""mutation($p: ID!, $v: ID!) { addToCart(productId: $p, variantId: $v) {
      cart { lines { variantId price } } errors { code field message } } }""",
                          {"p": sacks[0]["id"], "v": sack["id"]}, buyer))["cart"]
    assert cart["lines"][-1] == {"variantId": sack["id"], "price": sack["price"]}


async def test_the_sellers_cash_statement_and_the_citys_cod_view_agree_on_what_the_demo_shop_is_owed(demo: Api) -> None:
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    seller = await sign_in(demo, "penjual@example.id")
    days = (await run(demo, "seller_cash_statement", seller, **{"from": (today - dt.timedelta(days=6)).isoformat(),
                                                                  "to": today.isoformat()}))["shopCashStatement"]
    assert [day["day"] for day in days] == [(today - dt.timedelta(days=6 - i)).isoformat() for i in range(7)]

    officer = await sign_in(demo, "officer@malangkota.go.id")
    city = (await run(demo, "city_cash_on_delivery", officer))["cityCashOnDelivery"]

    shop = json.loads((EXAMPLES / "seller_cash_statement.variables.json").read_text())["shopId"]
    owed = sum(row["rupiah"] for row in city["byShop"] if row["shopId"] == shop)
    assert owed == days[-1]["outstanding"]
    assert sum(row["rupiah"] for row in city["byKecamatan"]) == sum(row["rupiah"] for row in city["byShop"])
    assert 0 <= city["handedOverUnconfirmed"] <= city["handedOver"]
    couriers_owe = sum(row["rupiah"] for row in city["owedByCourier"] if row["shopId"] == shop)
    assert couriers_owe == days[-1]["owedByCourier"]


async def test_the_receipts_example_gives_each_paid_order_a_receipt_that_verifies(demo: Api) -> None:
    token = await sign_in(demo, "asn@example.id")
    orders = [edge["node"] for edge in (await run(demo, "receipts", token))["myOrders"]["edges"]]
    assert orders and all(order["payment"]["paidAt"] and order["receiptUrl"] for order in orders)
    order = orders[0]
    pdf = await demo.client.get(order["receiptUrl"], headers={"Authorization": f"Bearer {token}"})
    assert pdf.status_code == 200
    lines = pdf_lines(pdf.content)
    assert lines[0] == f"Kuitansi {order['reference']}" and f"Toko {order['shop']['name']}" in lines
    total = "Rp" + f"{order['total']:,}".replace(",", ".")
    assert f"Total dibayar {total}" in lines
    (verify,) = [line for line in lines if "/receipts/verify?token=" in line]
    answer = (await demo.client.get(verify)).json()
    assert answer["genuine"] is True and answer["receipt"]["total"] == order["total"]


async def test_cart_example_keeps_the_line_on_the_server_and_adds_to_it(demo: Api) -> None:
    token = await sign_in(demo, "warga@example.id")
    first = (await run(demo, "cart", token))["addToCart"]
    assert first["errors"] == []
    (line,) = first["cart"]["lines"]
    assert (line["productId"], line["quantity"], line["changes"], line["buyable"]) == ("1", 2, [], True)
    assert line["product"]["shop"]["name"] == "Toko Sembako Bu Sri" and first["cart"]["subtotal"] == 2 * line["price"]
    again = (await run(demo, "cart", token, quantity=1))["addToCart"]["cart"]
    assert [(l["productId"], l["quantity"]) for l in again["lines"]] == [("1", 3)]
    mine = await demo.gql("{ myCart { lines { productId quantity } } }", token=token)
    assert mine["myCart"]["lines"] == [{"productId": "1", "quantity": 3}]
    gone = (await run(demo, "cart", token, productId="999999"))["addToCart"]["errors"]
    assert [(e["code"], e["field"]) for e in gone] == [("NOT_FOUND", ["productId"])]


async def test_addresses_example_saves_the_default_address_and_names_a_wrong_kelurahan(demo: Api) -> None:
    token = await sign_in(demo, "warga@example.id")
    saved = (await run(demo, "addresses", token))["addAddress"]
    assert saved["errors"] == [] and saved["address"]["isDefault"] is True
    assert (saved["address"]["kecamatan"], saved["address"]["kelurahan"]) == ("Klojen", "Kidul Dalem")
    listed = await demo.gql("{ myAddresses { id isDefault } }", token=token)
    assert listed["myAddresses"][0] == {"id": saved["address"]["id"], "isDefault": True}
    _, variables = example("addresses")
    variables["input"]["kelurahan"] = "Sumbersari"  # a kelurahan of Lowokwaru
    wrong = (await demo.gql(example("addresses")[0], variables, token))["addAddress"]["errors"]
    assert [(e["code"], e["field"]) for e in wrong] == [("INVALID", ["input", "kelurahan"])]


async def test_complaint_example_opens_a_complaint_on_a_delivered_order(demo: Api) -> None:
    buyer, seller = await sign_in(demo, "asn@example.id"), await sign_in(demo, "penjual@example.id")
    order = (await run(demo, "checkout", buyer))["checkout"]["checkout"]["orders"][0]
    for step in ("acceptOrder", "markOutForDelivery", "markDelivered"):
        moved = await demo.gql(f"mutation($id: ID!) {{ {step}(id: $id) {{ errors {{ code }} }} }}", {"id": order["id"]},
                               seller)
        assert moved[step]["errors"] == [], step
    lines = (await demo.gql("query($id: ID!) { order(id: $id) { lines { id } } }", {"id": order["id"]},
                            buyer))["order"]["lines"]
    _, variables = example("complaint")
    variables["input"].update(orderId=order["id"], orderLineIds=[lines[0]["id"]])
    opened = (await demo.gql(example("complaint")[0], variables, buyer))["openComplaint"]
    assert opened["errors"] == []
    assert (opened["complaint"]["status"], opened["complaint"]["reason"]) == ("OPEN", "DAMAGED")
    assert opened["complaint"]["orderLineIds"] == [lines[0]["id"]] and opened["complaint"]["photos"] == []
    again = (await demo.gql(example("complaint")[0], variables, buyer))["openComplaint"]["errors"]
    assert [(e["code"], e["field"]) for e in again] == [("ALREADY_EXISTS", ["input", "orderLineIds"])]


async def test_refund_examples_request_a_refund_the_seller_approves_and_an_officer_pays_it_by_hand(demo: Api) -> None:
    buyer, seller = await sign_in(demo, "asn@example.id"), await sign_in(demo, "penjual@example.id")
    officer = await sign_in(demo, "officer@malangkota.go.id")
    order = (await run(demo, "checkout", buyer))["checkout"]["checkout"]["orders"][0]  # cash on delivery
    for step in ("acceptOrder", "markOutForDelivery", "markDelivered", "confirmCashCollected"):
        moved = await demo.gql(f"mutation($id: ID!) {{ {step}(id: $id) {{ errors {{ code }} }} }}", {"id": order["id"]},
                               seller)
        assert moved[step]["errors"] == [], step
    lines = (await demo.gql("query($id: ID!) { order(id: $id) { lines { id } } }", {"id": order["id"]},
                            buyer))["order"]["lines"]
    asked = (await run(demo, "refund_request", buyer, input={**example("refund_request")[1]["input"],
                                                             "orderId": order["id"],
                                                             "orderLineIds": [lines[0]["id"]]}))["openComplaint"]
    assert asked["errors"] == [] and (asked["complaint"]["status"], asked["complaint"]["requestedAmount"]) == (
        "OPEN", 20000)
    approve = "mutation($id: ID!) { answerComplaint(id: $id, resolution: REFUND) { errors { code } } }"
    assert (await demo.gql(approve, {"id": asked["complaint"]["id"]}, seller))["answerComplaint"]["errors"] == []
    owed = (await demo.gql("{ owedRefunds { edges { node { id amount status } } } }", token=officer))["owedRefunds"]
    (refund,) = [e["node"] for e in owed["edges"]]
    assert (refund["amount"], refund["status"]) == (20000, "OWED")

    _, variables = example("pay_owed_refund")
    paid = (await run(demo, "pay_owed_refund", officer, input={**variables["input"], "refundId": refund["id"]}))
    again = (await run(demo, "pay_owed_refund", officer, input={**variables["input"], "refundId": refund["id"]}))

    assert paid["payOwedRefund"]["errors"] == [] and paid["payOwedRefund"]["refund"]["status"] == "PAID"
    assert again["payOwedRefund"] == paid["payOwedRefund"]  # the same key: the same attempt, paid once


async def test_opd_and_roster_examples_list_the_opds_import_a_roster_and_verify_an_asn(demo: Api) -> None:
    opds = (await run(demo, "opds"))["opds"]
    assert {"DISKOMINFO", "DISKOPINDAG", "BKPSDM"} <= {o["code"] for o in opds}
    officer = await sign_in(demo, "officer@malangkota.go.id")
    imported = (await run(demo, "import_roster", officer))["importRoster"]
    assert imported["errors"] == []
    report = imported["rosterImport"]
    assert (report["status"], report["acceptedRows"], report["rejectedRows"]) == ("DONE", 2, 2)
    assert [(r["row"], r["field"]) for r in report["rejections"]] == [(4, "nip"), (5, "opd_code")]
    buyer = (await run(demo, "login", email="warga@example.id"))["login"]["token"]
    user = (await run(demo, "register_asn", buyer))["registerAsn"]["user"]
    assert (user["opd"], user["asnStatus"], user["opdUnit"]["code"]) == ("Diskopindag", "VERIFIED", "DISKOPINDAG")
    analyst = await sign_in(demo, "analyst@malangkota.go.id")
    participation = (await run(demo, "roster_participation", analyst))["asnParticipation"]
    assert participation["rosterMonth"] == "2026-11"


async def test_the_city_growth_example_shows_the_demos_spread_class_and_mentoring(demo: Api) -> None:
    officer = await sign_in(demo, "officer@malangkota.go.id")
    found = await run(demo, "city_growth", officer)
    # Five buyers shared the documented shop (in Klojen) or its first product; their links were opened 1 to 5 times.
    (klojen,) = [row for row in found["citySpread"]["byKecamatan"] if row["key"] == "Klojen"]
    assert (klojen["shares"], klojen["visits"], klojen["attributedOrders"]) == (5, 15, 0)
    # asn@example.id (Diskominfo) invited five resident buyers, all of whom bought.
    (diskominfo,) = [row for row in found["citySpread"]["byOpd"] if row["key"] == "Diskominfo"]
    assert diskominfo["referredBuyers"] == 5
    assert found["shopClass"]["declaredAnnualSales"] == 1_800_000_000
    assert found["shopClass"]["sizeClass"] == "MICRO"
    assert [m["mentor"] for m in found["shopMentorings"]] == ["Diskopindag Kota Malang, Klinik UMKM"]


async def test_office_delivery_examples_open_a_day_check_out_to_the_office_and_hand_the_batch_over(demo: Api) -> None:
    officer = await sign_in(demo, "officer@malangkota.go.id")
    asn = await sign_in(demo, "asn@example.id")
    seller = await sign_in(demo, "penjual@example.id")
    me = (await demo.gql("{ me { id } }", token=asn))["me"]
    _, variables = example("open_office_delivery_day")
    assert variables["input"]["contactUserId"] == me["id"], "the file's contact is asn@example.id on a fresh seed"
    day = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date() + dt.timedelta(days=3)
    when = {**variables["input"], "day": day.isoformat(), "cutoffAt": f"{day - dt.timedelta(days=1)}T15:00:00+07:00"}
    opened = (await run(demo, "open_office_delivery_day", officer, input=when))["openOfficeDeliveryDay"]
    assert opened["errors"] == [] and opened["day"]["id"] == "1" and opened["day"]["opdShortName"] == "Diskominfo"

    placed = (await run(demo, "office_checkout", asn))["checkout"]
    assert placed["errors"] == []
    (order,) = placed["checkout"]["orders"]
    assert order["delivery"]["kecamatan"] == "Kedungkandang" and order["status"] == "PLACED"
    (batch,) = (await run(demo, "office_pick_list", seller))["officeBatches"]
    assert batch["id"] == "1" and batch["tripFee"] == order["deliveryFee"] and len(batch["orders"]) == 1
    received = (await run(demo, "office_handover", asn))["confirmOfficeHandover"]
    assert received["errors"] == [] and [o["status"] for o in received["batch"]["orders"]] == ["DELIVERED"]


async def test_offline_claim_example_claims_a_purchase_with_a_photo_for_the_city_to_decide(demo: Api) -> None:
    asn = await sign_in(demo, "asn@example.id")
    response = await demo.client.post("/uploads", content=receipt_photo(1), headers={
        "Authorization": f"Bearer {asn}", "Content-Type": "image/jpeg"})
    assert response.status_code == 201 and str(response.json()["id"]) == example("offline_claim")[1]["input"][
        "photoUploadId"], "the file's photo is the first upload on a fresh seed"
    _, variables = example("offline_claim")
    yesterday = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date() - dt.timedelta(days=1)
    claimed = (await run(demo, "offline_claim", asn, input={**variables["input"], "purchasedOn": yesterday.isoformat()})
               )["claimOfflinePurchase"]
    assert claimed["errors"] == [] and claimed["claim"]["status"] == "PENDING"
async def test_office_procurement_examples_appoint_buy_sign_the_bast_and_show_the_city(demo: Api,
                                                                                     settings: Settings) -> None:
    officer = await sign_in(demo, "officer@malangkota.go.id")
    appointed = (await run(demo, "appoint_procurement_officer", officer))["appointProcurementOfficer"]
    assert appointed["errors"] == [] and appointed["officer"]["opdCode"] == "DISKOMINFO"
    buyer = await sign_in(demo, "asn@example.id")
    created = (await run(demo, "office_procurement", buyer))["createProcurement"]
    assert created["errors"] == [], created["errors"]
    procurement = created["procurement"]
    assert (procurement["status"], procurement["budgetAccount"]) == ("ORDERED", "5.1.02.01.01.0024")
    assert procurement["id"] == example("sign_bast")[1]["id"]
    order = await Order.get(id=int(example("office_procurement")[1]["input"]["orderId"])).select_related("shop__owner")
    receiver = await User.get(nip=example("office_procurement")[1]["input"]["receiverNip"])
    for signer in (order.shop.owner, receiver):
        token = issue_token(signer, settings.secret_key, settings.token_ttl_seconds)
        signed = (await run(demo, "sign_bast", token))["signProcurementHandover"]
        assert signed["errors"] == []
    assert signed["procurement"]["status"] == "HANDED_OVER" and signed["procurement"]["papers"]["kuitansiUrl"]
    analyst = await sign_in(demo, "analyst@malangkota.go.id")
    month = dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    figure = (await run(demo, "procurement_spending", analyst, month=month))["procurementSpending"]
    (diskominfo,) = [row for row in figure["opds"] if row["opdCode"] == "DISKOMINFO"]
    assert diskominfo["spent"] is None, "bought from one shop: fewer than UMKM_MIN_GROUP_SIZE"
async def test_product_photos_example_makes_an_upload_the_demo_products_photo(demo: Api) -> None:
    token = await sign_in(demo, "penjual@example.id")
    sent = await demo.client.post("/uploads", content=phone_jpeg(), headers={"Authorization": f"Bearer {token}"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["id"] == example("product_photos")[1]["uploadIds"][0], "the file's id fits a fresh seed"
    result = (await run(demo, "product_photos", token))["setProductPhotos"]
    assert result["errors"] == [] and result["product"]["id"] == "1"
    (photo,) = result["product"]["photos"]
    assert (photo["id"], photo["width"], photo["height"]) == (sent.json()["id"], 400, 300)
    assert photo["large"] == sent.json()["urls"]["large"]
    served = await demo.client.get(photo["thumb"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    buyer = await sign_in(demo, "asn@example.id")
    refused = (await run(demo, "product_photos", buyer))["setProductPhotos"]["errors"]
    assert [e["code"] for e in refused] == ["FORBIDDEN"]  # a buyer sets no product's photos
