"""GraphQL object types, built from models and resolving relations through the per-request loaders."""
