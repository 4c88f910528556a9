"""What each row of the mutations' authorization matrix (tests/host/test_authorization_mutations.py) sends: fresh
variables for one attempt, made in the world of tests/helpers/authorization.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.authorization import ERRORS, World, serial
from tests.helpers import procurement
from tests.helpers.certificates import RECORD_CERTIFICATE, halal_input
from tests.helpers.promotions import city_programme, programme_input, promotion_input, shop_promotion
from tests.helpers.shops import shop_input
from umkm_graph.balances.models import Payout, PayoutStatus
from umkm_graph.catalog.models import Category, Product, ProductUnit, ProductVariant
from umkm_graph.checkout.models import CartItem
from umkm_graph.core.wib import WIB, today_wib
from umkm_graph.office_delivery.models import OfficeBatch, OfficeDeliveryDay
from umkm_graph.offline_claims.models import OfflineClaim, ShopInvitation
from umkm_graph.uploads.models import Upload
from umkm_graph.people.models import Opd, Role, User
from umkm_graph.people.service import create_user


async def fresh_person(_: World) -> dict[str, Any]:
    return {"input": {"email": f"new{next(serial)}@matrix.example.id", "password": "rahasia-123", "name": "Warga Baru"}}


async def fresh_officer(world: World) -> dict[str, Any]:
    variables = await fresh_person(world)
    variables["input"]["role"] = "CITY_OFFICER"
    return variables


async def fresh_staff(world: World) -> dict[str, Any]:
    variables = await fresh_person(world)
    variables["input"].update(role="ANALYST", password="rahasia-analis-123")
    return variables


async def staff_account(_: World) -> dict[str, Any]:
    user = await create_user(email=f"staff{next(serial)}@matrix.example.id", password="rahasia-analis-123",
                             name="Analis", role=Role.ANALYST)
    return {"id": str(user.id)}


async def nip(_: World) -> dict[str, Any]:
    return {"nip": f"19850312201001{1 + next(serial) % 2}{next(serial) % 1000:03d}", "opd": "Diskominfo"}


async def fresh_shop(_: World) -> dict[str, Any]:
    return {"input": shop_input()}


async def cart(world: World) -> dict[str, Any]:
    return {"input": {"lines": [{"productId": world.product["id"], "quantity": 1}],
                      "shops": [{"shopId": world.shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}}


async def pending_shop(world: World) -> dict[str, Any]:
    return {"id": await world.new_shop(verified=False), "reason": "Data NIB tidak cocok"}


async def verified_shop(world: World) -> dict[str, Any]:
    return {"id": await world.new_shop(verified=True), "reason": "Harga di atas HET berulang kali"}


async def identity_change(world: World) -> dict[str, Any]:
    """A verified shop whose owner asked for a new name, which waits for the city."""
    shop = await world.new_shop(verified=True)
    update = f"mutation($id: ID!) {{ updateShop(id: $id, input: {{name: \"Toko Ganti Nama\"}}) {{ {ERRORS} }} }}"
    await world.api.ok(update, {"id": shop}, world.cast["seller"].token)
    return {"id": shop, "reason": "NIB tidak cocok dengan OSS"}


async def line_of_delivered_order(world: World) -> dict[str, Any]:
    return {"line": (await world.delivered_order())["lines"][0]["id"], "rating": 4}


async def review(world: World) -> dict[str, Any]:
    return {"review": await world.review(), "text": "Matur nuwun, ditunggu lagi"}


async def ready_with_code(world: World) -> dict[str, Any]:
    order = await world.ready_order()
    return {"id": order["id"], "code": order["pickupCode"]}


async def placed_with_reason(world: World) -> dict[str, Any]:
    return {"id": (await world.placed_order())["id"], "reason": "Salah pesan"}


async def ready_with_refusal(world: World) -> dict[str, Any]:
    return {"id": (await world.ready_order())["id"], "reason": "Pembeli menolak membayar di tempat"}


async def paid_for_refund(world: World) -> dict[str, Any]:
    return {"order": (await world.delivered_order(paid=True))["id"], "amount": 1000, "reason": "Satu bungkus sobek"}


async def owed_refund_id(world: World) -> str:
    """A refund owed by transfer: the seller refunds part of a delivered cash-on-delivery order."""
    order = await world.delivered_order(paid=True)
    refund = f"""mutation($id: ID!) {{ refundPayment(orderId: $id, amount: 1000, reason: "Satu bungkus sobek") {{
      order {{ payment {{ refunds {{ id }} }} }} {ERRORS} }} }}"""
    answer = await world.api.ok(refund, {"id": order["id"]}, world.cast["seller"].token)
    return answer["order"]["payment"]["refunds"][-1]["id"]  # type: ignore[no-any-return]


async def refund_account(world: World) -> dict[str, Any]:
    return {"refund": await owed_refund_id(world),
            "input": {"bank": "bri", "accountNumber": "0011223344", "accountName": "Siti Aminah"}}


async def refund_by_hand(world: World) -> dict[str, Any]:
    return {"input": {"refundId": await owed_refund_id(world), "provider": "manual", "transferReference": "TRF 2"},
            "key": f"matrix-{next(serial)}"}


async def payout_account(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": {"bank": "bca", "accountNumber": "0123456789", "accountName": "Endang"}}


async def payout(world: World) -> dict[str, Any]:
    """A payout of the world's shop (it has no balance: the shop sells by cash on delivery), with a fresh key."""
    return {"input": {"shopId": world.shop["id"], "amount": 1000, "provider": "manual", "transferReference": "TRF 1"},
            "key": f"matrix-{next(serial)}"}


async def paid_payout(world: World) -> dict[str, Any]:
    """A payout made by hand, recorded straight in the database: the world's shops hold no cashless money to pay."""
    payout = await Payout.create(shop_id=int(world.shop["id"]), amount=1000, provider="manual",
                                 status=PayoutStatus.PAID, reference=f"PO-MATRIX-{next(serial)}",
                                 idempotency_key=f"matrix-{next(serial)}", request_hash="")
    return {"id": str(payout.id)}


async def existing_shop(world: World) -> dict[str, Any]:
    return {"id": world.shop["id"], "input": {"description": "Sembako murah dekat Pasar Besar"}}


async def shop_for_product(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": {"category": "gula", "name": "Gula Pasir 1 kg", "unit": "KG",
                                                 "packSize": 1, "price": 17500, "stock": 5}}


async def product_edit(world: World) -> dict[str, Any]:
    return {"id": world.product["id"], "input": {"description": "Beras medium, pulen"}}


async def product_stock(world: World) -> dict[str, Any]:
    return {"id": world.product["id"], "stock": 10_000}


async def _sack_product(world: World) -> Product:
    """A product of the seller's shop with its one variant, written directly, apart from world.product (which the
    checkout rows buy without naming a variant)."""
    beras = await Category.get(slug="beras")
    product = await Product.create(shop_id=int(world.shop["id"]), category=beras, name=f"Beras {next(serial)}",
                                   unit=ProductUnit.KG, pack_size=5, price=67_500, stock=5)
    await ProductVariant.create(product=product, shop_id=product.shop_id, price=67_500, stock=5)  # type: ignore[attr-defined]
    return product


async def new_variant(world: World) -> dict[str, Any]:
    product = await _sack_product(world)
    return {"product": str(product.id), "input": {"label": "25 kg", "price": 320_000, "packSize": 25}}


async def product_variant(world: World) -> dict[str, Any]:
    variant = await ProductVariant.filter(product_id=int(world.product["id"])).order_by("id").first()
    assert variant is not None
    return {"id": str(variant.id), "input": {"stock": 10_000}}  # as much as it has: later rows check out from it


async def extra_variant(world: World, *, active: bool = True) -> dict[str, Any]:
    """A second variant of a product of the seller's (what is tested here is who may change it)."""
    product = await _sack_product(world)
    variant = await ProductVariant.create(product=product, shop_id=product.shop_id,  # type: ignore[attr-defined]
                                          label="25 kg", price=320_000, is_active=active)
    return {"id": str(variant.id)}


async def inactive_variant(world: World) -> dict[str, Any]:
    return await extra_variant(world, active=False)


async def product_photos(world: World) -> dict[str, Any]:
    return {"product": world.product["id"], "uploads": []}


async def login(world: World) -> dict[str, Any]:
    return {"e": world.cast["other_buyer"].email, "p": "rahasia-123"}


async def new_opd(_: World) -> dict[str, Any]:
    number = next(serial)
    return {"input": {"code": f"UPT-{number}", "name": f"UPT Matriks {number}"}}


async def opd_edit(_: World) -> dict[str, Any]:
    return {"id": "1", "input": {"address": f"Jl. Tugu No. {next(serial)}"}}


async def roster(_: World) -> dict[str, Any]:
    return {"input": {"csv": "nip,name,opd_code,grade\n198501012010011999,Pegawai,DLH,II/a\n", "month": "2026-10"}}


async def office_day(_: World) -> dict[str, Any]:
    """A delivery day for Diskominfo's office on a day of its own, with a fresh ASN of Diskominfo as its contact."""
    opd = await Opd.get(code="DISKOMINFO")
    contact = await create_user(email=f"kontak{next(serial)}@matrix.example.id", password="rahasia-123",
                                name="Kontak Kantor", role=Role.BUYER)
    await User.filter(id=contact.id).update(opd_unit_id=opd.id)
    day = today_wib() + dt.timedelta(days=1 + next(serial) % 60)
    cutoff = dt.datetime.combine(day, dt.time(), WIB) - dt.timedelta(hours=6)
    return {"input": {"opdCode": "DISKOMINFO", "day": day.isoformat(), "cutoffAt": cutoff.isoformat(),
                      "contactUserId": str(contact.id)}}


async def office_batch(world: World) -> dict[str, Any]:
    """An empty batch of the seller's shop for a Diskominfo delivery day whose contact person is the buyer."""
    opd = await Opd.get(code="DISKOMINFO")
    day = await OfficeDeliveryDay.create(opd=opd, day=dt.date(2027, 1, 1) + dt.timedelta(days=next(serial)),
                                         cutoff_at=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
                                         contact_id=int(world.cast["buyer"].id))
    batch = await OfficeBatch.create(delivery_day=day, shop_id=int(world.shop["id"]), trip_fee=10_000)
    return {"input": {"batchId": str(batch.id)}}


async def offline_claim(world: World) -> dict[str, Any]:
    return {"input": {"photoUploadId": "1", "amount": 50_000, "purchasedOn": "2026-11-02", "shopName": "Warung Bu Tin",
                      "kecamatan": "Lowokwaru", "kelurahan": "Sumbersari"}}


async def claim_decision(world: World) -> dict[str, Any]:
    """A fresh PENDING claim of the buyer's (written directly: no one of the world is ASN), to approve."""
    number = next(serial)
    photo = await Upload.create(owner_id=int(world.cast["buyer"].id), sha256=f"{number:064x}", width=400, height=300)
    claim = await OfflineClaim.create(asn_id=int(world.cast["buyer"].id), photo=photo, photo_hash=f"{number:016x}",
                                      amount=50_000, purchased_on=dt.date(2026, 11, 2), shop_name=f"Warung {number}",
                                      kecamatan="Lowokwaru", kelurahan="Sumbersari")
    return {"input": {"claimId": str(claim.id), "approve": True}}


async def invitation(world: World) -> dict[str, Any]:
    number = next(serial)
    made = await ShopInvitation.create(code=f"INV{number:05d}", shop_name=f"Warung {number}", name_key=f"warung {number}",
                                       kecamatan="Lowokwaru", kelurahan="Sumbersari")
    return {"shop": world.shop["id"], "code": made.code}


async def spend_target(_: World) -> dict[str, Any]:
    return {"month": f"2026-{1 + next(serial) % 12:02d}", "amount": 150_000}


async def reference_price(_: World) -> dict[str, Any]:
    return {"input": {"commodity": "beras", "unit": "KG", "price": 13_500, "effectiveFrom": f"2026-0{1 + next(serial) % 9}-01",
                      "note": "HET beras medium"}}


async def english(_: World) -> dict[str, Any]:
    return {"input": {"language": "en"}}


ADDRESS = {"label": "Rumah", "recipient": "Siti", "phone": "081234567890", "kecamatan": "Klojen",
           "kelurahan": "Kauman", "street": "Jl. Tugu 1"}


async def new_address(_: World) -> dict[str, Any]:
    return {"input": ADDRESS}


async def buyers_address(world: World) -> dict[str, Any]:
    add = f"mutation($input: SavedAddressInput!) {{ addAddress(input: $input) {{ address {{ id }} {ERRORS} }} }}"
    made = await world.api.ok(add, {"input": ADDRESS}, world.cast["buyer"].token)
    return {"id": made["address"]["id"], "input": ADDRESS}


async def product_to_cart(world: World) -> dict[str, Any]:
    return {"product": world.product["id"], "q": 1}


async def buyers_cart_line(world: World) -> dict[str, Any]:
    """The product in the buyer's cart alone (the addToCart row put it in the other shoppers' carts too)."""
    await CartItem.filter(product_id=int(world.product["id"])).exclude(user_id=int(world.cast["buyer"].id)).delete()
    add = f"mutation($p: ID!) {{ addToCart(productId: $p, quantity: 1) {{ {ERRORS} }} }}"
    await world.api.ok(add, {"p": world.product["id"]}, world.cast["buyer"].token)
    return {"product": world.product["id"], "q": 2}


async def cart_choices(world: World) -> dict[str, Any]:
    await buyers_cart_line(world)
    return {"input": {"shops": [{"shopId": world.shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}}


async def profile(_: World) -> dict[str, Any]:
    return {"input": {"language": "EN"}}


async def reset_request(_: World) -> dict[str, Any]:
    return {"who": f"lupa{next(serial)}@matrix.example.id"}


async def unknown_reset_code(_: World) -> dict[str, Any]:
    return {"code": f"kode-tebakan-{next(serial)}", "new": "sandi-baru-yang-panjang"}


async def buyer_role(_: World) -> dict[str, Any]:
    return {"role": "BUYER"}


async def followed_shop(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"]}


async def wrong_current_password(_: World) -> dict[str, Any]:
    return {"current": "bukan-sandinya", "new": "sandi-baru-yang-panjang"}


OPEN_COMPLAINT = f"""mutation($input: OpenComplaintInput!) {{ openComplaint(input: $input) {{
  complaint {{ id }} {ERRORS} }} }}"""


async def complaint_input(world: World) -> dict[str, Any]:
    order = await world.delivered_order(paid=True)
    return {"input": {"orderId": order["id"], "reason": "DAMAGED", "text": "Karung sobek",
                      "orderLineIds": [order["lines"][0]["id"]]}}


async def open_complaint(world: World) -> dict[str, Any]:
    opened = await world.api.ok(OPEN_COMPLAINT, await complaint_input(world), world.cast["buyer"].token)
    return {"id": opened["complaint"]["id"]}


async def rejected_complaint(world: World) -> dict[str, Any]:
    complaint = await open_complaint(world)
    reject = f"""mutation($id: ID!) {{ answerComplaint(id: $id, resolution: REJECT, reason: "Tidak terbukti") {{
      {ERRORS} }} }}"""
    await world.api.ok(reject, complaint, world.cast["seller"].token)
    return complaint


async def escalated_complaint(world: World) -> dict[str, Any]:
    complaint = await rejected_complaint(world)
    await world.api.ok(f"mutation($id: ID!) {{ escalateComplaint(id: $id) {{ {ERRORS} }} }}", complaint,
                       world.cast["buyer"].token)
    return {**complaint, "decision": "Penjual benar"}


async def certificate_input(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": halal_input(number=f"ID3573{next(serial):013d}")}


async def certificate(world: World) -> dict[str, Any]:
    given = await certificate_input(world)
    recorded = await world.api.ok(RECORD_CERTIFICATE, {"shopId": given["shop"], "input": given["input"]},
                                  world.cast["seller"].token)
    return {"id": recorded["certificate"]["id"], "reason": "Nomor tidak ada di SIHALAL", "products": []}


async def annual_sales(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "sales": 1_500_000_000}


async def mentoring(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": {"mentor": "Diskopindag", "mentoredOn": "2026-11-02", "topic": "Kemasan"}}


async def visible_product(world: World) -> dict[str, Any]:
    return {"product": world.product["id"]}








async def shop_promotion_variables(world: World) -> dict[str, Any]:
    return {"shop": world.shop["id"], "input": promotion_input()}


async def programme_variables(_: World) -> dict[str, Any]:
    return {"input": programme_input()}


async def shop_promotion_id(world: World) -> dict[str, Any]:
    return {"id": (await shop_promotion(world.api, world.cast["seller"], world.shop))["id"]}


async def programme(world: World) -> dict[str, Any]:
    return {"id": (await city_programme(world.api, world.cast["officer"]))["id"]}


async def procurement_officer_nip(_: World) -> dict[str, Any]:
    """An ASN of Diskominfo no one appointed yet."""
    return {"nip": (await procurement.fresh_asn()).nip}


async def appointed_officer_nip(world: World) -> dict[str, Any]:
    person = await procurement.fresh_asn()
    return {"nip": await procurement.appointed_in_diskominfo(person.id)}


async def procurement_input(world: World) -> dict[str, Any]:
    """A fresh order of the buyer, who is made Diskominfo's procurement officer, for a colleague to receive."""
    await procurement.appointed_in_diskominfo(int(world.cast["buyer"].id))
    order = await world.placed_order()
    return {"input": {"orderId": order["id"], "budgetAccount": procurement.ACCOUNT, "purpose": "Konsumsi rapat",
                      "receiverNip": (await procurement.fresh_asn()).nip}}


async def delivered_procurement(world: World) -> dict[str, Any]:
    """A delivered order of the world's shop made a Diskominfo procurement, for the buyer to receive."""
    await procurement.appointed_in_diskominfo(int(world.cast["buyer"].id))  # the buyer: an ASN of Diskominfo
    order = await world.delivered_order()
    made = await procurement.procurement_for(order["id"], (await procurement.fresh_asn()).id,
                                             int(world.cast["buyer"].id))
    return {"id": str(made.id)}


async def procurement_budget(_: World) -> dict[str, Any]:
    return {"code": "DISKOMINFO", "year": 2000 + next(serial) % 100, "amount": 1_000_000_000}
