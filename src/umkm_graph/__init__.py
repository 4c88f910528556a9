"""umkm-graph: a federated GraphQL API for Kota Malang's UMKM marketplace."""

__version__ = "0.1.0"
