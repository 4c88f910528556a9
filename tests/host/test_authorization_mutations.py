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
)
from tests.helpers import mutation_inputs as inputs
from umkm_graph.graphql_schema import build_schema
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


SELLER = {"seller"}
BUYER = {"buyer"}
OFFICER = {"officer"}


MUTATIONS = [
    m("recordCertificate", "$shop: ID!, $input: CertificateInput!|shopId: $shop, input: $input", inputs.certificate_input,
      {"seller"}),
    m("setCertificateProducts", "$id: ID!, $products: [ID!]!|certificateId: $id, productIds: $products", inputs.certificate,
      {"seller"}),
    m("verifyCertificate", "$id: ID!|id: $id", inputs.certificate, {"officer"}),
    m("rejectCertificate", "$id: ID!, $reason: String!|id: $id, reason: $reason", inputs.certificate, {"officer"}),
    m("register", "$input: RegisterInput!|input: $input", inputs.fresh_person, set(ACTORS)),
    m("register", "$input: RegisterInput!|input: $input", inputs.fresh_officer, set(), label="register as CITY_OFFICER"),
    m("login", "$e: String!, $p: String!|email: $e, password: $p", inputs.login, set(ACTORS)),
    m("registerAsn", "$nip: String!, $opd: String!|nip: $nip, opd: $opd", inputs.nip, {"buyer", "other_buyer"}),
    m("createOpd", "$input: OpdInput!|input: $input", inputs.new_opd, OFFICER),
    m("updateOpd", "$id: ID!, $input: OpdInput!|id: $id, input: $input", inputs.opd_edit, OFFICER),
    m("importRoster", "$input: RosterImportInput!|input: $input", inputs.roster, OFFICER),
    m("openOfficeDeliveryDay", "$input: OpenOfficeDeliveryDayInput!|input: $input", inputs.office_day, OFFICER),
    m("claimOfflinePurchase", "$input: OfflineClaimInput!|input: $input", inputs.offline_claim, set(),
      label="claimOfflinePurchase (ASN only: no one of the world is)"),
    m("decideOfflineClaim", "$input: DecideOfflineClaimInput!|input: $input", inputs.claim_decision, OFFICER),
    m("joinWithInvitation", "$shop: ID!, $code: String!|shopId: $shop, code: $code", inputs.invitation, SELLER),
    m("confirmOfficeHandover", "$input: ConfirmOfficeHandoverInput!|input: $input", inputs.office_batch, BUYER,
      label="confirmOfficeHandover (the buyer is the day's contact person)"),
    m("createShop", "$input: ShopInput!|input: $input", inputs.fresh_shop, {"seller", "other_seller"}),
    m("updateShop", "$id: ID!, $input: ShopInput!|id: $id, input: $input", inputs.existing_shop, SELLER),
    m("verifyShop", "$id: ID!|id: $id", inputs.pending_shop, OFFICER),
    m("rejectShop", "$id: ID!, $reason: String!|id: $id, reason: $reason", inputs.pending_shop, OFFICER),
    m("suspendShop", "$id: ID!, $reason: String!|id: $id, reason: $reason", inputs.verified_shop, OFFICER),
    m("approveShopIdentityChange", "$id: ID!|shopId: $id", inputs.identity_change, OFFICER),
    m("rejectShopIdentityChange", "$id: ID!, $reason: String!|shopId: $id, reason: $reason", inputs.identity_change, OFFICER),
    m("createProduct", "$shop: ID!, $input: ProductInput!|shopId: $shop, input: $input", inputs.shop_for_product, SELLER),
    m("updateProduct", "$id: ID!, $input: ProductInput!|id: $id, input: $input", inputs.product_edit, SELLER),
    m("createStaffAccount", "$input: StaffAccountInput!|input: $input", inputs.fresh_staff, OFFICER),
    m("deactivateStaffAccount", "$id: ID!|id: $id", inputs.staff_account, OFFICER),
    m("reactivateStaffAccount", "$id: ID!|id: $id", inputs.staff_account, OFFICER),
    m("setStock", "$id: ID!, $stock: Int!|id: $id, stock: $stock", inputs.product_stock, SELLER),
    m("addVariant", "$product: ID!, $input: VariantInput!|productId: $product, input: $input", inputs.new_variant,
      SELLER),
    m("updateVariant", "$id: ID!, $input: VariantInput!|id: $id, input: $input", inputs.product_variant, SELLER),
    m("deactivateVariant", "$id: ID!|id: $id", inputs.extra_variant, SELLER),
    m("reactivateVariant", "$id: ID!|id: $id", inputs.inactive_variant, SELLER),
    m("setProductPhotos", "$product: ID!, $uploads: [ID!]!|productId: $product, uploadIds: $uploads", inputs.product_photos,
      SELLER),
    m("createReview", "$line: ID!, $rating: Int!|orderLineId: $line, rating: $rating", inputs.line_of_delivered_order, BUYER),
    m("replyToReview", "$review: ID!, $text: String!|reviewId: $review, text: $text", inputs.review, SELLER),
    m("checkout", "$input: CheckoutInput!|input: $input", inputs.cart, {"buyer", "other_buyer", "other_seller"}),
    m("acceptOrder", "$id: ID!|id: $id", _id(World.placed_order), SELLER),
    m("markReadyForPickup", "$id: ID!|id: $id", _id(World.accepted_order), SELLER),
    m("markOutForDelivery", "$id: ID!|id: $id", _id(lambda w: w.accepted_order("shop_courier")), SELLER),
    m("markDelivered", "$id: ID!, $code: String|id: $id, pickupCode: $code", inputs.ready_with_code, SELLER),
    m("confirmCashCollected", "$id: ID!|id: $id", _id(World.delivered_order), SELLER),
    m("completeOrder", "$id: ID!|id: $id", _id(lambda w: w.delivered_order(paid=True)), BUYER),
    m("recordCashRefusal", "$id: ID!, $reason: String!|id: $id, reason: $reason", inputs.ready_with_refusal, SELLER),
    m("cancelOrder", "$id: ID!, $reason: String!|id: $id, reason: $reason", inputs.placed_with_reason, {"buyer", "seller"}),
    # Cashless payments and booked couriers come from plugins this world does not load: the owner gets past the
    # authorization checks to an error about the order's method or state.
    m("confirmPayment", "$id: ID!|id: $id", _id(World.placed_order), BUYER, succeeds=False),
    m("refundPayment", "$order: ID!, $amount: Rupiah!, $reason: String!|orderId: $order, amount: $amount, reason: $reason",
      inputs.paid_for_refund, SELLER),  # a cash-on-delivery refund is owed, and paid by hand
    m("setRefundAccount", "$refund: ID!, $input: PayoutAccountInput!|refundId: $refund, input: $input",
      inputs.refund_account, BUYER),
    m("payOwedRefund", "$input: PayOwedRefundInput!, $key: String!|input: $input, idempotencyKey: $key",
      inputs.refund_by_hand, OFFICER),
    m("setPayoutAccount", "$shop: ID!, $input: PayoutAccountInput!|shopId: $shop, input: $input", inputs.payout_account,
      SELLER),
    m("payOutShop", "$input: PayOutShopInput!, $key: String!|input: $input, idempotencyKey: $key", inputs.payout, OFFICER,
      succeeds=False),  # allowed, but the shop's balance is 0: INSUFFICIENT_BALANCE
    m("refreshPayout", "$id: ID!|id: $id", inputs.paid_payout, OFFICER),
    m("markReadyForCourier", "$id: ID!|id: $id", _id(lambda w: w.accepted_order("shop_courier")), SELLER, succeeds=False),
    m("refreshShipment", "$id: ID!|id: $id", _id(lambda w: w.accepted_order("shop_courier")), {"buyer", "seller"},
      succeeds=False),
    m("setSpendTarget", "$month: String!, $amount: Rupiah!|month: $month, amount: $amount", inputs.spend_target, OFFICER),
    m("setReferencePrice", "$input: ReferencePriceInput!|input: $input", inputs.reference_price, OFFICER),
    m("updateNotificationPreferences", "$input: NotificationPreferencesInput!|input: $input", inputs.english, set(SIGNED_IN)),
    m("addAddress", "$input: SavedAddressInput!|input: $input", inputs.new_address, set(ACTORS) - {"anonymous"}),
    m("updateAddress", "$id: ID!, $input: SavedAddressInput!|id: $id, input: $input", inputs.buyers_address, BUYER),
    m("removeAddress", "$id: ID!|id: $id", inputs.buyers_address, BUYER),
    m("addToCart", "$product: ID!, $q: Int!|productId: $product, quantity: $q", inputs.product_to_cart,
      {"buyer", "other_buyer", "other_seller"}),
    m("updateCartLine", "$product: ID!, $q: Int!|productId: $product, quantity: $q", inputs.buyers_cart_line, BUYER),
    m("removeFromCart", "$product: ID!|productId: $product", inputs.buyers_cart_line, BUYER),
    # Everyone who may shop reaches the cart; only the buyer's holds a line, the others' are empty (REQUIRED).
    m("checkoutCart", "$input: CartCheckoutInput!|input: $input", inputs.cart_choices,
      {"buyer", "other_buyer", "seller", "other_seller"}, succeeds=False),
    m("updateProfile", "$input: UpdateProfileInput!|input: $input", inputs.profile, set(ACTORS) - {"anonymous"}),
    m("changePassword", "$current: String!, $new: String!|currentPassword: $current, newPassword: $new",
      inputs.wrong_current_password, set(ACTORS) - {"anonymous"}, succeeds=False),
    # No token needed: anyone may ask (the answer is the same for every email); no code of this world is known, so
    # resetPassword gets past authorization to RESET_CODE_INVALID.
    m("requestPasswordReset", "$who: String!|emailOrPhone: $who", inputs.reset_request, set(ACTORS)),
    m("resetPassword", "$code: String!, $new: String!|code: $code, newPassword: $new", inputs.unknown_reset_code,
      set(ACTORS), succeeds=False),
    # Anyone signed in follows a verified shop, but its own seller (FORBIDDEN); unfollowing is anyone's own business.
    m("followShop", "$shop: ID!|shopId: $shop", inputs.followed_shop, set(SIGNED_IN) - {"seller"}),
    m("unfollowShop", "$shop: ID!|shopId: $shop", inputs.followed_shop, set(SIGNED_IN)),
    m("openComplaint", "$input: OpenComplaintInput!|input: $input", inputs.complaint_input, BUYER),
    m("answerComplaint", "$id: ID!|id: $id, resolution: REPLACE", inputs.open_complaint, SELLER),
    m("escalateComplaint", "$id: ID!|id: $id", inputs.rejected_complaint, BUYER),
    m("declareAnnualSales", "$shop: ID!, $sales: Rupiah!|shopId: $shop, annualSales: $sales", inputs.annual_sales, SELLER),
    m("recordMentoring", "$shop: ID!, $input: MentoringInput!|shopId: $shop, input: $input", inputs.mentoring, OFFICER),
    m("createShareLink", "$product: ID|productId: $product", inputs.visible_product, set(SIGNED_IN)),
    m("decideComplaint", "$id: ID!, $decision: String!|id: $id, decision: $decision", inputs.escalated_complaint, OFFICER),
    m("createShopPromotion", "$shop: ID!, $input: ShopPromotionInput!|shopId: $shop, input: $input", inputs.shop_promotion_variables,
      SELLER),
    m("createCityProgramme", "$input: CityProgrammeInput!|input: $input", inputs.programme_variables, OFFICER),
    m("endPromotion", "$id: ID!|id: $id", inputs.shop_promotion_id, SELLER),
    m("endPromotion", "$id: ID!|id: $id", inputs.programme, OFFICER, label="endPromotion (a city programme)"),
    # Office procurement (tests/procurement): these make the buyer Diskominfo's appointed procurement officer.
    m("appointProcurementOfficer", "$nip: String!|nip: $nip", inputs.procurement_officer_nip, OFFICER),
    m("revokeProcurementOfficer", "$nip: String!|nip: $nip", inputs.appointed_officer_nip, OFFICER),
    m("createProcurement", "$input: CreateProcurementInput!|input: $input", inputs.procurement_input, BUYER),
    # The shop's seller and the receiving officer (here the buyer) sign the BAST.
    m("signProcurementHandover", "$id: ID!|id: $id", inputs.delivered_procurement, {"buyer", "seller"}),
    m("setProcurementBudget", "$code: String!, $year: Int!, $amount: Rupiah!|opdCode: $code, year: $year, amount: $amount",
      inputs.procurement_budget, OFFICER),
    # Last: it gives the sellers the BUYER role, which the rows above must not see. City accounts keep their one role.
    m("addRole", "$role: Role!|role: $role", inputs.buyer_role, set(SIGNED_IN) - {"officer", "analyst"}),
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
