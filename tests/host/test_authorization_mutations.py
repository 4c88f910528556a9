"""The authorization matrix: every mutation against every role, with the owner and a non-owner of each thing. Only
what the table allows passes; everything else is refused with UNAUTHENTICATED, FORBIDDEN or NOT_FOUND. The table must
cover the schema: a mutation missing from it fails a test, so a new one gets its row. Run with -s to see the matrix
printed. (The queries' matrix is test_authorization_reads.py; the world both act in is
tests/helpers/authorization.py.)"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.helpers.api import serve
from tests.helpers.authorization import (
    ACTORS,
    ERRORS,
    REFUSALS,
    SIGNED_IN,
    SIGN_IN,
    World,
    build_world,
    print_matrix,
    serial,
)
from tests.helpers.certificates import RECORD_CERTIFICATE, halal_input
from tests.helpers.promotions import city_programme, programme_input, promotion_input, shop_promotion
from tests.helpers.shops import shop_input
from umkm_graph.balances.models import Payout, PayoutStatus
from umkm_graph.checkout.models import CartItem
from umkm_graph.graphql_schema import build_schema
from umkm_graph.people.models import Role
from umkm_graph.people.service import create_user
from umkm_graph.settings import Settings

Prepare = Callable[[World], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Mutation:
    name: str
    document: str
    prepare: Prepare  # fresh variables for one attempt
    allowed: frozenset[str]
    succeeds: bool = True  # False: the allowed actors get past authorization, but this world lacks what success needs
    label: str = ""


def _id(make: Callable[[World], Awaitable[dict[str, Any]]]) -> Prepare:
    async def prepare(world: World) -> dict[str, Any]:
        return {"id": (await make(world))["id"]}
    return prepare


def m(name: str, arguments: str, prepare: Prepare, allowed: frozenset[str] | set[str], *, succeeds: bool = True,
      label: str = "") -> Mutation:
    definitions, passing = arguments.split("|")
    call = f"{name}({passing})" if passing else name
    document = f"mutation({definitions}) {{ {call} {{ __typename {ERRORS} }} }}" if definitions else \
        f"mutation {{ {call} {{ __typename {ERRORS} }} }}"
    return Mutation(name, document, prepare, frozenset(allowed), succeeds, label or name)


async def _fresh_person(_: World) -> dict[str, Any]:
    return {"input": {"email": f"new{next(serial)}@matrix.example.id", "password": "rahasia-123", "name": "Warga Baru"}}


async def _fresh_officer(world: World) -> dict[str, Any]:
    variables = await _fresh_person(world)
    variables["input"]["role"] = "CITY_OFFICER"
    return variables


async def _fresh_staff(world: World) -> dict[str, Any]:
    variables = await _fresh_person(world)
    variables["input"].update(role="ANALYST", password="rahasia-analis-123")
    return variables


async def _staff_account(_: World) -> dict[str, Any]:
    user = await create_user(email=f"staff{next(serial)}@matrix.example.id", password="rahasia-analis-123",
                             name="Analis", role=Role.ANALYST)
    return {"id": str(user.id)}


async def _nip(_: World) -> dict[str, Any]:
    return {"nip": f"19850312201001{1 + next(serial) % 2}{next(serial) % 1000:03d}", "opd": "Diskominfo"}


async def _fresh_shop(_: World) -> dict[str, Any]:
    return {"input": shop_input()}


async def _cart(world: World) -> dict[str, Any]:
    return {"input": {"lines": [{"productId": world.product["id"], "quantity": 1}],
                      "shops": [{"shopId": world.shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}}


async def _pending_shop(world: World) -> dict[str, Any]:
    return {"id": await world.new_shop(verified=False), "reason": "Data NIB tidak cocok"}


async def _verified_shop(world: World) -> dict[str, Any]:
    return {"id": await world.new_shop(verified=True), "reason": "Harga di atas HET berulang kali"}


async def _identity_change(world: World) -> dict[str, Any]:
    """A verified shop whose owner asked for a new name, which waits for the city."""
    shop = await world.new_shop(verified=True)
    update = f"mutation($id: ID!) {{ updateShop(id: $id, input: {{name: \"Toko Ganti Nama\"}}) {{ {ERRORS} }} }}"
    await world.api.ok(update, {"id": shop}, world.cast["seller"].token)
    return {"id": shop, "reason": "NIB tidak cocok dengan OSS"}


async def _line_of_delivered_order(world: World) -> dict[str, Any]:
    return {"line": (await world.delivered_order())["lines"][0]["id"], "rating": 4}


async def _review(world: World) -> dict[str, Any]:
    return {"review": await world.review(), "text": "Matur nuwun, ditunggu lagi"}


async def _ready_with_code(world: World) -> dict[str, Any]:
    order = await world.ready_order()
    return {"id": order["id"], "code": order["pickupCode"]}


async def _placed_with_reason(world: World) -> dict[str, Any]:
    return {"id": (await world.placed_order())["id"], "reason": "Salah pesan"}


async def _paid_for_refund(world: World) -> dict[str, Any]:
    return {"order": (await world.delivered_order(paid=True))["id"], "amount": 1000, "reason": "Satu bungkus sobek"}


async def _payout_account(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": {"bank": "bca", "accountNumber": "0123456789", "accountName": "Endang"}}


async def _payout(world: World) -> dict[str, Any]:
    """A payout of the world's shop (it has no balance: the shop sells by cash on delivery), with a fresh key."""
    return {"input": {"shopId": world.shop["id"], "amount": 1000, "provider": "manual", "transferReference": "TRF 1"},
            "key": f"matrix-{next(serial)}"}


async def _paid_payout(world: World) -> dict[str, Any]:
    """A payout made by hand, recorded straight in the database: the world's shops hold no cashless money to pay."""
    payout = await Payout.create(shop_id=int(world.shop["id"]), amount=1000, provider="manual",
                                 status=PayoutStatus.PAID, reference=f"PO-MATRIX-{next(serial)}",
                                 idempotency_key=f"matrix-{next(serial)}", request_hash="")
    return {"id": str(payout.id)}


async def _existing_shop(world: World) -> dict[str, Any]:
    return {"id": world.shop["id"], "input": {"description": "Sembako murah dekat Pasar Besar"}}


async def _shop_for_product(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": {"category": "gula", "name": "Gula Pasir 1 kg", "unit": "KG",
                                                 "packSize": 1, "price": 17500, "stock": 5}}


async def _product_edit(world: World) -> dict[str, Any]:
    return {"id": world.product["id"], "input": {"description": "Beras medium, pulen"}}


async def _product_stock(world: World) -> dict[str, Any]:
    return {"id": world.product["id"], "stock": 10_000}


async def _product_photos(world: World) -> dict[str, Any]:
    return {"product": world.product["id"], "uploads": []}


async def _login(world: World) -> dict[str, Any]:
    return {"e": world.cast["other_buyer"].email, "p": "rahasia-123"}


async def _new_opd(_: World) -> dict[str, Any]:
    number = next(serial)
    return {"input": {"code": f"UPT-{number}", "name": f"UPT Matriks {number}"}}


async def _opd_edit(_: World) -> dict[str, Any]:
    return {"id": "1", "input": {"address": f"Jl. Tugu No. {next(serial)}"}}


async def _roster(_: World) -> dict[str, Any]:
    return {"input": {"csv": "nip,name,opd_code,grade\n198501012010011999,Pegawai,DLH,II/a\n", "month": "2026-10"}}


async def _spend_target(_: World) -> dict[str, Any]:
    return {"month": f"2026-{1 + next(serial) % 12:02d}", "amount": 150_000}


async def _reference_price(_: World) -> dict[str, Any]:
    return {"input": {"commodity": "beras", "unit": "KG", "price": 13_500, "effectiveFrom": f"2026-0{1 + next(serial) % 9}-01",
                      "note": "HET beras medium"}}


async def _english(_: World) -> dict[str, Any]:
    return {"input": {"language": "en"}}


ADDRESS = {"label": "Rumah", "recipient": "Siti", "phone": "081234567890", "kecamatan": "Klojen",
           "kelurahan": "Kauman", "street": "Jl. Tugu 1"}


async def _new_address(_: World) -> dict[str, Any]:
    return {"input": ADDRESS}


async def _buyers_address(world: World) -> dict[str, Any]:
    add = f"mutation($input: SavedAddressInput!) {{ addAddress(input: $input) {{ address {{ id }} {ERRORS} }} }}"
    made = await world.api.ok(add, {"input": ADDRESS}, world.cast["buyer"].token)
    return {"id": made["address"]["id"], "input": ADDRESS}


async def _product_to_cart(world: World) -> dict[str, Any]:
    return {"product": world.product["id"], "q": 1}


async def _buyers_cart_line(world: World) -> dict[str, Any]:
    """The product in the buyer's cart alone (the addToCart row put it in the other shoppers' carts too)."""
    await CartItem.filter(product_id=int(world.product["id"])).exclude(user_id=int(world.cast["buyer"].id)).delete()
    add = f"mutation($p: ID!) {{ addToCart(productId: $p, quantity: 1) {{ {ERRORS} }} }}"
    await world.api.ok(add, {"p": world.product["id"]}, world.cast["buyer"].token)
    return {"product": world.product["id"], "q": 2}


async def _cart_choices(world: World) -> dict[str, Any]:
    await _buyers_cart_line(world)
    return {"input": {"shops": [{"shopId": world.shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}}


async def _profile(_: World) -> dict[str, Any]:
    return {"input": {"language": "EN"}}


async def _reset_request(_: World) -> dict[str, Any]:
    return {"who": f"lupa{next(serial)}@matrix.example.id"}


async def _unknown_reset_code(_: World) -> dict[str, Any]:
    return {"code": f"kode-tebakan-{next(serial)}", "new": "sandi-baru-yang-panjang"}


async def _buyer_role(_: World) -> dict[str, Any]:
    return {"role": "BUYER"}


async def _followed_shop(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"]}


async def _wrong_current_password(_: World) -> dict[str, Any]:
    return {"current": "bukan-sandinya", "new": "sandi-baru-yang-panjang"}


OPEN_COMPLAINT = f"""mutation($input: OpenComplaintInput!) {{ openComplaint(input: $input) {{
  complaint {{ id }} {ERRORS} }} }}"""


async def _complaint_input(world: World) -> dict[str, Any]:
    order = await world.delivered_order(paid=True)
    return {"input": {"orderId": order["id"], "reason": "DAMAGED", "text": "Karung sobek",
                      "orderLineIds": [order["lines"][0]["id"]]}}


async def _open_complaint(world: World) -> dict[str, Any]:
    opened = await world.api.ok(OPEN_COMPLAINT, await _complaint_input(world), world.cast["buyer"].token)
    return {"id": opened["complaint"]["id"]}


async def _rejected_complaint(world: World) -> dict[str, Any]:
    complaint = await _open_complaint(world)
    reject = f"""mutation($id: ID!) {{ answerComplaint(id: $id, resolution: REJECT, reason: "Tidak terbukti") {{
      {ERRORS} }} }}"""
    await world.api.ok(reject, complaint, world.cast["seller"].token)
    return complaint


async def _escalated_complaint(world: World) -> dict[str, Any]:
    complaint = await _rejected_complaint(world)
    await world.api.ok(f"mutation($id: ID!) {{ escalateComplaint(id: $id) {{ {ERRORS} }} }}", complaint,
                       world.cast["buyer"].token)
    return {**complaint, "decision": "Penjual benar"}


async def _certificate_input(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": halal_input(number=f"ID3573{next(serial):013d}")}


async def _certificate(world: World) -> dict[str, Any]:
    given = await _certificate_input(world)
    recorded = await world.api.ok(RECORD_CERTIFICATE, {"shopId": given["shop"], "input": given["input"]},
                                  world.cast["seller"].token)
    return {"id": recorded["certificate"]["id"], "reason": "Nomor tidak ada di SIHALAL", "products": []}


async def _annual_sales(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "sales": 1_500_000_000}


async def _mentoring(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": {"mentor": "Diskopindag", "mentoredOn": "2026-11-02", "topic": "Kemasan"}}


async def _visible_product(world: World) -> dict[str, Any]:
    return {"product": world.product["id"]}


SELLER = {"seller"}


BUYER = {"buyer"}


OFFICER = {"officer"}


async def _promotion_input(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": promotion_input()}


async def _programme_input(_: World) -> dict[str, Any]:
    return {"input": programme_input()}


async def _shop_promotion(world: World) -> dict[str, Any]:
    return {"id": (await shop_promotion(world.api, world.cast["seller"], world.shop))["id"]}


async def _programme(world: World) -> dict[str, Any]:
    return {"id": (await city_programme(world.api, world.cast["officer"]))["id"]}


MUTATIONS = [
    m("recordCertificate", "$shop: ID!, $input: CertificateInput!|shopId: $shop, input: $input", _certificate_input,
      {"seller"}),
    m("setCertificateProducts", "$id: ID!, $products: [ID!]!|certificateId: $id, productIds: $products", _certificate,
      {"seller"}),
    m("verifyCertificate", "$id: ID!|id: $id", _certificate, {"officer"}),
    m("rejectCertificate", "$id: ID!, $reason: String!|id: $id, reason: $reason", _certificate, {"officer"}),
    m("register", "$input: RegisterInput!|input: $input", _fresh_person, set(ACTORS)),
    m("register", "$input: RegisterInput!|input: $input", _fresh_officer, set(), label="register as CITY_OFFICER"),
    m("login", "$e: String!, $p: String!|email: $e, password: $p", _login, set(ACTORS)),
    m("registerAsn", "$nip: String!, $opd: String!|nip: $nip, opd: $opd", _nip, {"buyer", "other_buyer"}),
    m("createOpd", "$input: OpdInput!|input: $input", _new_opd, OFFICER),
    m("updateOpd", "$id: ID!, $input: OpdInput!|id: $id, input: $input", _opd_edit, OFFICER),
    m("importRoster", "$input: RosterImportInput!|input: $input", _roster, OFFICER),
    m("createShop", "$input: ShopInput!|input: $input", _fresh_shop, {"seller", "other_seller"}),
    m("updateShop", "$id: ID!, $input: ShopInput!|id: $id, input: $input", _existing_shop, SELLER),
    m("verifyShop", "$id: ID!|id: $id", _pending_shop, OFFICER),
    m("rejectShop", "$id: ID!, $reason: String!|id: $id, reason: $reason", _pending_shop, OFFICER),
    m("suspendShop", "$id: ID!, $reason: String!|id: $id, reason: $reason", _verified_shop, OFFICER),
    m("approveShopIdentityChange", "$id: ID!|shopId: $id", _identity_change, OFFICER),
    m("rejectShopIdentityChange", "$id: ID!, $reason: String!|shopId: $id, reason: $reason", _identity_change, OFFICER),
    m("createProduct", "$shop: ID!, $input: ProductInput!|shopId: $shop, input: $input", _shop_for_product, SELLER),
    m("updateProduct", "$id: ID!, $input: ProductInput!|id: $id, input: $input", _product_edit, SELLER),
    m("createStaffAccount", "$input: StaffAccountInput!|input: $input", _fresh_staff, OFFICER),
    m("deactivateStaffAccount", "$id: ID!|id: $id", _staff_account, OFFICER),
    m("reactivateStaffAccount", "$id: ID!|id: $id", _staff_account, OFFICER),
    m("setStock", "$id: ID!, $stock: Int!|id: $id, stock: $stock", _product_stock, SELLER),
    m("setProductPhotos", "$product: ID!, $uploads: [ID!]!|productId: $product, uploadIds: $uploads", _product_photos,
      SELLER),
    m("createReview", "$line: ID!, $rating: Int!|orderLineId: $line, rating: $rating", _line_of_delivered_order, BUYER),
    m("replyToReview", "$review: ID!, $text: String!|reviewId: $review, text: $text", _review, SELLER),
    m("checkout", "$input: CheckoutInput!|input: $input", _cart, {"buyer", "other_buyer", "other_seller"}),
    m("acceptOrder", "$id: ID!|id: $id", _id(World.placed_order), SELLER),
    m("markReadyForPickup", "$id: ID!|id: $id", _id(World.accepted_order), SELLER),
    m("markOutForDelivery", "$id: ID!|id: $id", _id(lambda w: w.accepted_order("shop_courier")), SELLER),
    m("markDelivered", "$id: ID!, $code: String|id: $id, pickupCode: $code", _ready_with_code, SELLER),
    m("confirmCashCollected", "$id: ID!|id: $id", _id(World.delivered_order), SELLER),
    m("completeOrder", "$id: ID!|id: $id", _id(lambda w: w.delivered_order(paid=True)), BUYER),
    m("cancelOrder", "$id: ID!, $reason: String!|id: $id, reason: $reason", _placed_with_reason, {"buyer", "seller"}),
    # Cashless payments and booked couriers come from plugins this world does not load: the owner gets past the
    # authorization checks to an error about the order's method or state.
    m("confirmPayment", "$id: ID!|id: $id", _id(World.placed_order), BUYER, succeeds=False),
    m("refundPayment", "$order: ID!, $amount: Rupiah!, $reason: String!|orderId: $order, amount: $amount, reason: $reason",
      _paid_for_refund, SELLER, succeeds=False),
    m("setPayoutAccount", "$shop: ID!, $input: PayoutAccountInput!|shopId: $shop, input: $input", _payout_account,
      SELLER),
    m("payOutShop", "$input: PayOutShopInput!, $key: String!|input: $input, idempotencyKey: $key", _payout, OFFICER,
      succeeds=False),  # allowed, but the shop's balance is 0: INSUFFICIENT_BALANCE
    m("refreshPayout", "$id: ID!|id: $id", _paid_payout, OFFICER),
    m("markReadyForCourier", "$id: ID!|id: $id", _id(lambda w: w.accepted_order("shop_courier")), SELLER, succeeds=False),
    m("refreshShipment", "$id: ID!|id: $id", _id(lambda w: w.accepted_order("shop_courier")), {"buyer", "seller"},
      succeeds=False),
    m("setSpendTarget", "$month: String!, $amount: Rupiah!|month: $month, amount: $amount", _spend_target, OFFICER),
    m("setReferencePrice", "$input: ReferencePriceInput!|input: $input", _reference_price, OFFICER),
    m("updateNotificationPreferences", "$input: NotificationPreferencesInput!|input: $input", _english, set(SIGNED_IN)),
    m("addAddress", "$input: SavedAddressInput!|input: $input", _new_address, set(ACTORS) - {"anonymous"}),
    m("updateAddress", "$id: ID!, $input: SavedAddressInput!|id: $id, input: $input", _buyers_address, BUYER),
    m("removeAddress", "$id: ID!|id: $id", _buyers_address, BUYER),
    m("addToCart", "$product: ID!, $q: Int!|productId: $product, quantity: $q", _product_to_cart,
      {"buyer", "other_buyer", "other_seller"}),
    m("updateCartLine", "$product: ID!, $q: Int!|productId: $product, quantity: $q", _buyers_cart_line, BUYER),
    m("removeFromCart", "$product: ID!|productId: $product", _buyers_cart_line, BUYER),
    # Everyone who may shop reaches the cart; only the buyer's holds a line, the others' are empty (REQUIRED).
    m("checkoutCart", "$input: CartCheckoutInput!|input: $input", _cart_choices,
      {"buyer", "other_buyer", "seller", "other_seller"}, succeeds=False),
    m("updateProfile", "$input: UpdateProfileInput!|input: $input", _profile, set(ACTORS) - {"anonymous"}),
    m("changePassword", "$current: String!, $new: String!|currentPassword: $current, newPassword: $new",
      _wrong_current_password, set(ACTORS) - {"anonymous"}, succeeds=False),
    # No token needed: anyone may ask (the answer is the same for every email); no code of this world is known, so
    # resetPassword gets past authorization to RESET_CODE_INVALID.
    m("requestPasswordReset", "$who: String!|emailOrPhone: $who", _reset_request, set(ACTORS)),
    m("resetPassword", "$code: String!, $new: String!|code: $code, newPassword: $new", _unknown_reset_code,
      set(ACTORS), succeeds=False),
    # Anyone signed in follows a verified shop, but its own seller (FORBIDDEN); unfollowing is anyone's own business.
    m("followShop", "$shop: ID!|shopId: $shop", _followed_shop, set(SIGNED_IN) - {"seller"}),
    m("unfollowShop", "$shop: ID!|shopId: $shop", _followed_shop, set(SIGNED_IN)),
    m("openComplaint", "$input: OpenComplaintInput!|input: $input", _complaint_input, BUYER),
    m("answerComplaint", "$id: ID!|id: $id, resolution: REPLACE", _open_complaint, SELLER),
    m("escalateComplaint", "$id: ID!|id: $id", _rejected_complaint, BUYER),
    m("declareAnnualSales", "$shop: ID!, $sales: Rupiah!|shopId: $shop, annualSales: $sales", _annual_sales, SELLER),
    m("recordMentoring", "$shop: ID!, $input: MentoringInput!|shopId: $shop, input: $input", _mentoring, OFFICER),
    m("createShareLink", "$product: ID|productId: $product", _visible_product, set(SIGNED_IN)),
    m("decideComplaint", "$id: ID!, $decision: String!|id: $id, decision: $decision", _escalated_complaint, OFFICER),
    m("createShopPromotion", "$shop: ID!, $input: ShopPromotionInput!|shopId: $shop, input: $input", _promotion_input,
      SELLER),
    m("createCityProgramme", "$input: CityProgrammeInput!|input: $input", _programme_input, OFFICER),
    m("endPromotion", "$id: ID!|id: $id", _shop_promotion, SELLER),
    m("endPromotion", "$id: ID!|id: $id", _programme, OFFICER, label="endPromotion (a city programme)"),
    # Last: it gives the sellers the BUYER role, which the rows above must not see. City accounts keep their one role.
    m("addRole", "$role: Role!|role: $role", _buyer_role, set(SIGNED_IN) - {"officer", "analyst"}),
]


def _judge(row: Mutation, actor: str, body: dict[str, Any]) -> str | None:
    """What is wrong with this answer, or None."""
    if body.get("errors"):
        return f"GraphQL errors {body['errors']}"
    (payload,) = body["data"].values()
    codes = [e["code"] for e in payload["errors"]]
    if actor in row.allowed:
        if row.succeeds and codes:
            return f"allowed but failed: {payload['errors']}"
        if codes and codes[0] in REFUSALS:
            return f"allowed but refused: {payload['errors']}"
        return None
    if not codes or codes[0] not in REFUSALS:
        return f"passed though not allowed: {payload['errors'] or 'no errors'}"
    if actor == "anonymous" and row.name not in SIGN_IN and codes[0] != "UNAUTHENTICATED":
        return f"anonymous should be told to sign in, got {codes[0]}"
    return None


async def test_every_mutation_refuses_everyone_the_table_does_not_allow(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, rate_limit_per_ip=0, rate_limit_per_user=0)) as api:
        world = await build_world(api, settings)
        wrong, table = [], []
        for row in MUTATIONS:
            marks = []
            for actor in ACTORS:
                variables = await row.prepare(world)
                body = await api.post(row.document, variables, world.token(actor))
                problem = _judge(row, actor, body)
                if problem:
                    wrong.append(f"{row.label} as {actor}: {problem}")
                marks.append(("allowed" if actor in row.allowed else "refused") + (" ✗" if problem else ""))
            table.append((row.label, marks))
    print_matrix("mutation", table)
    assert not wrong, "\n".join(wrong)


def test_every_mutation_of_the_schema_has_a_row() -> None:
    schema = build_schema()._schema
    missing = set(schema.mutation_type.fields) - {row.name for row in MUTATIONS}  # type: ignore[union-attr]
    assert not missing, f"add these mutations to the authorization matrix: {sorted(missing)}"
