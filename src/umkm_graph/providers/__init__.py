"""Built-in providers, each written as a plugin exactly like a third-party one: cash on delivery, pickup, the shop's courier,
payouts made by hand."""

# (plugin name, module): registered first, in this order; UMKM_BLOCKED_PLUGINS can switch any of them off by name.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("cod", "umkm_graph.providers.cod"),
    ("pickup", "umkm_graph.providers.pickup"),
    ("shop_courier", "umkm_graph.providers.shop_courier"),
    ("manual_payout", "umkm_graph.providers.manual_payout"),
)
