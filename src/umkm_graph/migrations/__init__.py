"""Schema migrations, written by `tortoise makemigrations` (see docs/deployment.md); applied by `umkm-graph migrate`."""
