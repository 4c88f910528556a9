"""Share links (issue 17, section 2): a person shares a product or a shop as a link; opening it is counted and leads to
the product's or the shop's page; a purchase soon after a visit is attributed to the link.

- The token in the link is `<share id>.<signature>`: the share id is random (no person, product or date in it) and the
  signature an HMAC-SHA256 of it with UMKM_SECRET_KEY, so a token nobody was given, or one changed by a letter, is
  refused without a database read. Who shared is the share_links row's.
- A visit is counted once per client address, link and day; the address is kept only as a keyed hash (`visitor_of`).
  The route is under the host's per-address rate limit as /graphql is (middleware.RATE_LIMITED_PATHS).
- The checkout passes the token it was given (`shareToken`): a bad token is an error before anything is written. An
  order of the checkout is attributed when its buyer is not the sharer, the link was visited within
  UMKM_SHARE_ATTRIBUTION_DAYS before, and the order is from the link's shop (and holds the link's product, for a
  product link). Anything else is simply not attributed: the buyer cannot know, so it is no error of theirs.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.catalog.models import Product
from umkm_graph.catalog.service import can_see_product
from umkm_graph.checkout.models import Checkout
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.growth.models import ShareAttribution, ShareLink, ShareVisit
from umkm_graph.orders.models import Order, OrderLine
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.settings import Settings
from umkm_graph.shops.access import can_see_shop
from umkm_graph.shops.models import Shop

log = logging.getLogger(__name__)

SHARE_PATH = "/s/"  # the route that counts a visit and redirects (growth/share_route.py)
PRODUCT_PAGE = "/products/{id}"  # where a product link leads; the storefront's page paths
SHOP_PAGE = "/shops/{slug}"
VISIT_REPEAT = dt.timedelta(days=1)  # the same address opening the same link again within this counts once
_SIGNATURE_BYTES = 16


@dataclass(frozen=True)
class Signer:
    secret_key: str

    def _signature(self, share_id: str) -> str:
        digest = hmac.new(self.secret_key.encode(), b"share-link:" + share_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).rstrip(b"=").decode()

    def token(self, share_id: str) -> str:
        return f"{share_id}.{self._signature(share_id)}"

    def share_id(self, token: str) -> str | None:
        """The share id a token carries, or None when the token is not one this server signed."""
        share_id, dot, signature = token.strip().partition(".")
        if not dot or not share_id or len(token) > 100 or not token.isascii():  # compare_digest takes ASCII only
            return None
        return share_id if hmac.compare_digest(signature, self._signature(share_id)) else None

    def visitor_of(self, address: str) -> str:
        """A client address as visits keep it: keyed, so the table cannot be matched against addresses."""
        return hmac.new(self.secret_key.encode(), b"share-visitor:" + address.encode(), hashlib.sha256).hexdigest()[:32]


async def create_share_link(user: User | None, product_id: int | None, shop_id: int | None) -> ShareLink:
    """The signed-in person's link for a product or a shop buyers can see; asked again, the same link."""
    sharer = require_user(user)
    if (product_id is None) == (shop_id is None):
        raise DomainError(ErrorCode.INVALID, "Give a productId or a shopId, one of them", "productId")
    product = None
    if product_id is not None:
        product = await Product.get_or_none(id=product_id).select_related("shop")
        if product is None or not can_see_product(None, product):
            raise DomainError(ErrorCode.NOT_FOUND, "No product buyers can see has this id", "productId")
        shop = product.shop
    else:
        found = await Shop.get_or_none(id=shop_id)
        if found is None or not can_see_shop(None, found):
            raise DomainError(ErrorCode.NOT_FOUND, "No shop buyers can see has this id", "shopId")
        shop = found
    existing = await ShareLink.get_or_none(sharer_id=sharer.id, shop_id=shop.id,
                                           product_id=product.id if product else None)
    if existing is not None:
        return existing
    return await ShareLink.create(share_id=secrets.token_urlsafe(12), sharer_id=sharer.id, shop_id=shop.id,
                                  product_id=product.id if product else None)


def share_path(signer: Signer, link: ShareLink) -> str:
    return SHARE_PATH + signer.token(link.share_id)


async def link_of_token(signer: Signer, token: str) -> ShareLink | None:
    share_id = signer.share_id(token)
    return None if share_id is None else await ShareLink.get_or_none(share_id=share_id)


async def visit(signer: Signer, token: str, address: str, now: dt.datetime | None = None) -> str | None:
    """Count a visit of the token's link from this address (once a day), and answer the page it leads to, with the
    token for the page to pass on at checkout; None for a token that is not a link."""
    link = await link_of_token(signer, token)
    if link is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    visitor = signer.visitor_of(address)
    if not await ShareVisit.exists(link_id=link.id, visitor=visitor, visited_at__gt=now - VISIT_REPEAT):
        await ShareVisit.create(link_id=link.id, visitor=visitor, visited_at=now)
    if link.product_id is not None:  # type: ignore[attr-defined]
        page = PRODUCT_PAGE.format(id=link.product_id)  # type: ignore[attr-defined]
    else:
        page = SHOP_PAGE.format(slug=(await Shop.get(id=link.shop_id)).slug)  # type: ignore[attr-defined]
    return f"{page}?share={signer.token(link.share_id)}"


def signer_of(settings: Settings) -> Signer:
    return Signer(settings.secret_key)


async def attributed_checkout(settings: Settings, token: str | None,
                              check_out: Callable[[], Awaitable[Checkout]]) -> Checkout:
    """The checkout, its orders attributed to the token's link where they qualify; a token that is not a link is
    INVALID before the checkout runs."""
    signer, window = signer_of(settings), dt.timedelta(days=settings.share_attribution_days)
    link = None
    if token is not None:
        link = await link_of_token(signer, token)
        if link is None:
            raise DomainError(ErrorCode.INVALID, "This share token is not a share link of this server", "shareToken")
    made = await check_out()
    if link is not None:
        try:
            await attribute(link, made, window)
        except Exception:  # the orders stand: a buyer must not retry a checkout that worked over a lost figure
            log.exception("attributing checkout %s to share link %s failed", made.id, link.id)
    return made


async def attribute(link: ShareLink, made: Checkout, window: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Attribute the checkout's qualifying orders to the link (a repeat of the same checkout adds none); how many."""
    now = now or dt.datetime.now(dt.UTC)
    if made.buyer_id == link.sharer_id:  # type: ignore[attr-defined]
        return 0
    if not await ShareVisit.exists(link_id=link.id, visited_at__gte=now - window):
        return 0
    orders = Order.filter(checkout_id=made.id, shop_id=link.shop_id)  # type: ignore[attr-defined]
    if link.product_id is not None:  # type: ignore[attr-defined]
        with_product = await OrderLine.filter(product_id=link.product_id,  # type: ignore[attr-defined]
                                              order__checkout_id=made.id).values_list("order_id", flat=True)
        orders = orders.filter(id__in=with_product)
    attributed = 0
    for order_id in await orders.values_list("id", flat=True):
        try:
            async with in_transaction():
                await ShareAttribution.create(link_id=link.id, order_id=order_id)
            attributed += 1
        except IntegrityError:  # this order was attributed already: a repeat of the checkout
            pass
    return attributed
