"""The types that cross the plugin hooks, one module per kind of provider. Plugins import them from
umkm_graph.hookspecs, which re-exports every name here; the host may import them from either."""
