"""The `plugins` query: what is loaded, for the city's operators (partner startups use `umkm-graph plugins`)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.checkout.graphql.types import PaymentMethodType
from umkm_graph.graphql_common.context import Context
from umkm_graph.hookspecs import DeliveryProvider
from umkm_graph.orders.graphql.types import DeliveryKindEnum
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role
from umkm_graph.plugin_host import PaymentOption, PluginInfo, describe_plugins


@strawberry.type(name="PluginDeliveryProvider", description="A delivery provider a plugin offers.")
class PluginDeliveryProviderType:
    code: str
    display_name: str
    kind: DeliveryKindEnum  # type: ignore[valid-type]
    books_when_ready: bool = strawberry.field(description="A courier booked when the seller marks the order ready.")
    needs_coordinates: bool

    @classmethod
    def from_provider(cls, provider: DeliveryProvider) -> PluginDeliveryProviderType:
        return cls(code=provider.code, display_name=provider.display_name, kind=provider.kind,
                   books_when_ready=provider.books_when_ready, needs_coordinates=provider.needs_coordinates)


@strawberry.type(name="Plugin", description="One loaded plugin: built-in, an installed package, or a plugins-dir file.")
class PluginType:
    name: str
    version: str | None
    source: str = strawberry.field(description="built-in, package <distribution>, or file <path>.")
    hooks: list[str]
    payment_methods: list[PaymentMethodType]
    delivery_providers: list[PluginDeliveryProviderType]
    disbursement_providers: list[str] = strawberry.field(description="Codes of its payout providers, e.g. manual.")

    @classmethod
    def from_info(cls, info: PluginInfo) -> PluginType:
        return cls(
            name=info.name, version=info.version, source=info.source, hooks=list(info.hooks),
            payment_methods=[PaymentMethodType.from_option(PaymentOption(p, m)) for p in info.payment for m in p.methods],
            delivery_providers=[PluginDeliveryProviderType.from_provider(p) for p in info.delivery],
            disbursement_providers=[p.code for p in info.disbursement],
        )


@strawberry.type
class PluginsQuery:
    @strawberry.field(description="Every loaded plugin, built-ins first, with its hooks and what it offers. City only.")
    async def plugins(self, info: Info[Context, None]) -> list[PluginType]:
        context = info.context
        require_role(await context.user(), Role.CITY_OFFICER, Role.ANALYST)
        assert context.request is not None
        pm = context.request.app.state.plugins
        return [PluginType.from_info(plugin) for plugin in describe_plugins(pm, context.providers)]
