"""The per-request context: settings, the signed-in user (read lazily from the bearer token) and fresh loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.network import client_address
from umkm_graph.events import EventBus
from umkm_graph.graphql_common.loaders import Loaders
from umkm_graph.people.models import User
from umkm_graph.people.service import user_from_token
from umkm_graph.people.throttle import LoginThrottle, PasswordResetThrottle, RegistrationThrottle
from umkm_graph.plugin_host import Providers
from umkm_graph.settings import Settings

_UNSET = object()


@dataclass
class Context:
    settings: Settings
    request: HTTPConnection | None
    token: str | None
    providers: Providers
    events: EventBus
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict[str, object] | None = None  # a WebSocket's connection_init payload
    _user: object = _UNSET

    @property
    def login_throttle(self) -> LoginThrottle | None:
        """The host's login throttle (app.state.login_throttle), or None when the request did not come through the app."""
        return getattr(self.request.app.state, "login_throttle", None) if self.request is not None else None

    @property
    def registration_throttle(self) -> RegistrationThrottle | None:
        """The host's registration throttle (app.state.registration_throttle), like login_throttle."""
        return getattr(self.request.app.state, "registration_throttle", None) if self.request is not None else None

    @property
    def password_reset_throttle(self) -> PasswordResetThrottle | None:
        """The host's password reset throttle (app.state.password_reset_throttle), like login_throttle."""
        return getattr(self.request.app.state, "password_reset_throttle", None) if self.request is not None else None

    @property
    def client_address(self) -> str:
        """The address the throttles count this request by (the HTTP request's, or the WebSocket's)."""
        return client_address(self.request.scope) if self.request is not None else "unknown"

    async def user(self) -> User | None:
        """The signed-in user, or None when no token was sent; a bad or expired token is an error, not anonymity."""
        if self._user is _UNSET:
            if self.token is None:
                self._user = None
            else:
                user = await user_from_token(self.token, self.settings.secret_key)
                if user is None:
                    raise DomainError(ErrorCode.UNAUTHENTICATED, "The bearer token is invalid or expired; sign in again")
                self._user = user
        return self._user  # type: ignore[return-value]


def bearer_token(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
