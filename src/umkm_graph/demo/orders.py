"""A few months of checkouts by the demo's buyers (demo/data/orders.toml), made through the checkout service so stock
and payments agree, then each order taken to its planned fate (demo/fates.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from umkm_graph.catalog.models import Product
from umkm_graph.checkout import service as checkout_service
from umkm_graph.checkout.models import Checkout
from umkm_graph.delivery import parcels
from umkm_graph.demo.fates import Part, follow
from umkm_graph.demo.loading import load
from umkm_graph.demo.people import MONTHLY_PURCHASE
from umkm_graph.demo.run import DEMO_EMAILS, HISTORY_DAYS, Buyer, SeededShop, SeedError, SeedRun
from umkm_graph.demo.shops import DEMO_SHOP_SLUG
from umkm_graph.events import EventBus
from umkm_graph.orders.models import Order
from umkm_graph.plugin_host import Providers

_ORDERS = load("orders")

MAX_COD_FALLBACK = 2_000_000  # when the COD provider sets no cap of its own
RECENT_DAYS: int = _ORDERS["recent_days"]
SETTLED_FATES: tuple[tuple[str, int], ...] = tuple(_ORDERS.table("fates").table("settled").items())
RECENT_FATES: tuple[tuple[str, int], ...] = tuple(_ORDERS.table("fates").table("recent").items())
SELLER_QUEUE_FATES: tuple[str, ...] = tuple(_ORDERS.table("seller_queue")["fates"])
NOTES: tuple[str, ...] = tuple(_ORDERS.table("notes")["texts"])


@dataclass
class PlannedCheckout:
    placed_at: dt.datetime
    buyer: Buyer
    parts: list[Part]


class OrderHistory:
    """Plans every checkout first, then places them in time order; both draw from the run's one random stream."""

    def __init__(self, run: SeedRun, providers: Providers, events: EventBus) -> None:
        self.run, self.rng, self.anchor = run, run.rng, run.anchor
        self.providers, self.events = providers, events
        cod = providers.payment_options.get("COD")
        if cod is None or not {"pickup", "shop_courier"} <= set(providers.delivery):
            raise SeedError("Demo orders need the built-in cod, pickup and shop_courier providers; unblock them")
        self.cod_limit = cod.method.max_amount or MAX_COD_FALLBACK

    def plan(self) -> list[PlannedCheckout]:
        planned: list[PlannedCheckout] = []
        for buyer in self.run.buyers:
            mine = [p for p in (self._checkout(buyer, at) for at in self._moments(buyer)) if p]
            mine.sort(key=lambda p: p.placed_at)
            for n, checkout_plan in enumerate(mine):
                recent = self.anchor - checkout_plan.placed_at < dt.timedelta(days=RECENT_DAYS)
                for part in checkout_plan.parts:
                    # Every buyer's first order went well, so each has a purchase to show and to review.
                    part.fate = "COMPLETED" if n == 0 and not recent else self._fate(recent)
            planned += mine
        planned += self._seller_queue()
        planned.sort(key=lambda p: p.placed_at)
        return planned

    async def place(self, planned: PlannedCheckout) -> tuple[int, int]:
        """Check the cart out, then take each order to its fate; answers (orders, reviews) made."""
        parts = await self._in_stock(planned.parts)
        if not parts:
            return 0, 0
        buyer = planned.buyer
        delivers = any(part.provider == "shop_courier" for part in parts)
        draft = checkout_service.CheckoutDraft(
            lines=[parcels.CartLine(product.id, quantity) for part in parts for product, quantity in part.lines],
            shops=[checkout_service.ShopChoice(part.shop.shop.id, part.provider, note=self.rng.choice(NOTES) or None)
                   for part in parts],
            payment_method="COD",
            address=parcels.Address(buyer.kecamatan, buyer.kelurahan, buyer.address) if delivers else None,
        )
        made = await checkout_service.checkout(buyer.user, draft, self.providers, self.events)
        await Checkout.filter(id=made.id).update(created_at=planned.placed_at)
        written = 0
        for order in await Order.filter(checkout_id=made.id).order_by("id"):
            part = next(p for p in parts if p.shop.shop.id == order.shop_id)  # type: ignore[attr-defined]
            written += await follow(self.run, order, part, buyer.user, planned.placed_at, self.providers, self.events)
        return len(parts), written

    # --- planning ------------------------------------------------------------------------------------------------

    def _moments(self, buyer: Buyer) -> list[dt.datetime]:
        """When the buyer checks out: in each month of the history by chance (an ASN nearly always, the programme
        asking for a spend each month); a documented buyer at least three times, to have a history to show."""
        oldest = min(HISTORY_DAYS, buyer.registered_days_ago - 1)
        months = [(low, min(low + 29, oldest)) for low in range(1, oldest + 1, 30)]
        chance = MONTHLY_PURCHASE[buyer.user.is_asn]
        moments = [self._when(buyer, low, high) for low, high in months if self.rng.random() < chance]
        while buyer.user.email in DEMO_EMAILS and len(moments) < 3:
            moments.append(self._when(buyer))
        return moments

    def _when(self, buyer: Buyer, low: int = 1, high: int | None = None) -> dt.datetime:
        """A moment in the buyer's history; ASN often order on Thursdays (the city's Kamis Mbois programme)."""
        oldest = min(HISTORY_DAYS, buyer.registered_days_ago - 1)
        at = self.run.moment(low, oldest if high is None else high)
        back = dt.timedelta(days=((at + dt.timedelta(hours=7)).weekday() - 3) % 7)  # to the Thursday before, WIB
        if buyer.user.is_asn and self.rng.random() < 0.4 and self.anchor - (at - back) < dt.timedelta(days=oldest):
            at -= back
        return at

    def _checkout(self, buyer: Buyer, at: dt.datetime, shop: SeededShop | None = None) -> PlannedCheckout | None:
        shops_wanted = [shop] if shop else self._pick_shops(buyer, 2 if self.rng.random() < 0.15 else 1)
        parts = []
        for seeded in shops_wanted:
            provider = self._provider(seeded, buyer)
            if provider is not None:
                parts.append(Part(seeded, provider, self._lines(seeded, buyer)))
        return PlannedCheckout(at, buyer, parts) if parts else None

    def _pick_shops(self, buyer: Buyer, count: int) -> list[SeededShop]:
        """Mostly nearby, mostly sembako: daily needs first."""
        shops_ = [s for s in self.run.shops if s.owner.id != buyer.user.id]
        weights = [(3 if s.shop.kecamatan == buyer.kecamatan else 1) * (2 if s.kind == "sembako" else 1)
                   for s in shops_]
        picked: list[SeededShop] = []
        while len(picked) < count:
            choice = self.rng.choices(shops_, weights=weights)[0]
            if choice not in picked:
                picked.append(choice)
        return picked

    def _provider(self, seeded: SeededShop, buyer: Buyer) -> str | None:
        delivers = buyer.kecamatan in seeded.shop.delivery_fees
        if seeded.shop.offers_pickup and (not delivers or self.rng.random() < 0.25):
            return "pickup"
        return "shop_courier" if delivers else None

    def _lines(self, seeded: SeededShop, buyer: Buyer) -> list[tuple[Product, int]]:
        products = [p for p in seeded.products if p.stock > 0]
        chosen = self.rng.sample(products, min(len(products), self.rng.randint(1, 3)))
        most = 3 if seeded.kind == "sembako" else 2
        lines = [(p, 1 if p.price > 250_000 else self.rng.randint(1, most)) for p in chosen]
        fee = seeded.shop.delivery_fees.get(buyer.kecamatan, 0)
        # Cash on delivery has a cap; drop the dearest lines until the order fits under it.
        while lines and sum(p.price * q for p, q in lines) + fee > self.cod_limit:
            lines.remove(max(lines, key=lambda line: line[0].price * line[1]))
        return lines

    def _fate(self, recent: bool) -> str:
        fates, weights = zip(*(RECENT_FATES if recent else SETTLED_FATES), strict=True)
        return self.rng.choices(fates, weights=weights)[0]

    def _seller_queue(self) -> list[PlannedCheckout]:
        """Fresh orders at the documented shop, so its seller has a queue to work through."""
        demo = next(s for s in self.run.shops if s.shop.slug == DEMO_SHOP_SLUG)
        reachable = [b for b in self.run.buyers if demo.shop.offers_pickup or b.kecamatan in demo.shop.delivery_fees]
        queue: list[PlannedCheckout] = []
        for fate in SELLER_QUEUE_FATES * self.run.scale:
            buyer = self.rng.choice(reachable)
            planned = self._checkout(buyer, self.run.moment(1, 2), shop=demo)
            if planned:
                planned.parts[0].fate = fate
                queue.append(planned)
        return queue

    async def _in_stock(self, parts: list[Part]) -> list[Part]:
        """The planned lines that the stock still covers: earlier orders may have taken it."""
        ids = [product.id for part in parts for product, _ in part.lines]
        stock = dict(await Product.filter(id__in=ids).values_list("id", "stock"))
        kept = []
        for part in parts:
            part.lines = [(product, quantity) for product, quantity in part.lines if stock[product.id] >= quantity]
            if part.lines:
                kept.append(part)
        return kept
