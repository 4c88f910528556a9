"""Offline purchase claims: an ASN claims a purchase at a shop not on the app, a CITY_OFFICER decides, the invited
shop joins with its code, and the city reads the month's claims."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.offline_claims import invitations, service
from umkm_graph.offline_claims.models import ClaimStatus as ClaimStatusModel
from umkm_graph.offline_claims.models import OfflineClaim, ShopInvitation
from umkm_graph.uploads.storage import LocalStorage, MediaStorage

ClaimStatus = strawberry.enum(ClaimStatusModel, name="OfflineClaimStatus")


def _id(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.type(name="ShopInvitation", description="What an unregistered shop is sent to join: its code and link.")
class ShopInvitationType:
    code: str
    link: str
    shop_name: str
    kelurahan: str
    shop_id: strawberry.ID | None = strawberry.field(description="The shop that joined with it, once one did.")
    joined_at: dt.datetime | None

    @classmethod
    def from_model(cls, invitation: ShopInvitation, public_url: str | None) -> ShopInvitationType:
        shop = invitation.shop_id  # type: ignore[attr-defined]
        return cls(code=invitation.code, link=invitations.invitation_link(public_url, invitation.code),
                   shop_name=invitation.shop_name, kelurahan=invitation.kelurahan,
                   shop_id=_id(shop) if shop else None, joined_at=invitation.joined_at)


@strawberry.type(name="OfflineClaim", description=("An ASN's purchase at a shop not on the app. Approved, it counts "
                                                   "toward the ASN's participation as an offline purchase."))
class OfflineClaimType:
    id: strawberry.ID
    amount: Rupiah
    purchased_on: dt.date
    shop_name: str
    kecamatan: str
    kelurahan: str
    status: ClaimStatus  # type: ignore[valid-type]
    reason: str | None
    photo_upload_id: strawberry.ID
    invitation: ShopInvitationType | None

    @classmethod
    def from_model(cls, claim: OfflineClaim, public_url: str | None) -> OfflineClaimType:
        invitation = claim.invitation if claim.invitation_id else None  # type: ignore[attr-defined]
        return cls(id=_id(claim.id), amount=Rupiah(claim.amount), purchased_on=claim.purchased_on,
                   shop_name=claim.shop_name, kecamatan=claim.kecamatan, kelurahan=claim.kelurahan,
                   status=claim.status, reason=claim.reason, photo_upload_id=_id(claim.photo_id),  # type: ignore[attr-defined]
                   invitation=ShopInvitationType.from_model(invitation, public_url) if invitation else None)


@strawberry.type(name="OfflineClaimsSummary", description="A month's offline claims, by purchase date.")
class ClaimsSummaryType:
    month: dt.date
    approved_claims: int
    approved_amount: Rupiah
    claiming_asn: int = strawberry.field(description="ASN with an approved claim in the month.")
    pending_claims: int
    rejected_claims: int
    invitations: int = strawberry.field(description="Invitations sent to shops so far.")
    shops_joined: int = strawberry.field(description="Shops that registered with a claim's invitation so far.")


@strawberry.input
class OfflineClaimInput:
    photo_upload_id: strawberry.ID = strawberry.field(description="Your photo of the purchase, sent to POST /uploads.")
    amount: Rupiah = strawberry.field(description="Rp1.000 to Rp5.000.000.")
    purchased_on: dt.date = strawberry.field(description="Today or up to 60 days before (WIB).")
    shop_name: str
    kecamatan: str
    kelurahan: str

    def draft(self) -> service.ClaimDraft:
        return service.ClaimDraft(photo_upload_id=parse_id(self.photo_upload_id, "input.photoUploadId"),
                                  amount=int(self.amount), purchased_on=self.purchased_on, shop_name=self.shop_name,
                                  kecamatan=self.kecamatan, kelurahan=self.kelurahan)


@strawberry.input
class DecideOfflineClaimInput:
    claim_id: strawberry.ID
    approve: bool
    reason: str | None = strawberry.field(default=None, description="Required to reject; at most 500 characters.")


@strawberry.type
class OfflineClaimPayload:
    claim: OfflineClaimType | None = None
    errors: list[UserError]


@strawberry.type
class ShopInvitationPayload:
    invitation: ShopInvitationType | None = None
    errors: list[UserError]


def _storage(context: Context) -> MediaStorage:
    """Where the uploads' renditions are: the app's storage (POST /uploads wrote there), or the settings' folder."""
    state = getattr(context.request, "app", None)
    found = getattr(getattr(state, "state", None), "media_storage", None)
    return found or LocalStorage(context.settings.media_dir)  # type: ignore[no-any-return]


@strawberry.type
class OfflineClaimsQuery:
    @strawberry.field(description="Your own offline purchase claims, the latest purchase first (at most 100).")
    async def my_offline_claims(self, info: Info[Context, None]) -> list[OfflineClaimType]:
        url = info.context.settings.public_url
        return [OfflineClaimType.from_model(c, url) for c in await service.my_claims(await info.context.user())]

    @strawberry.field(description="Claims in a status, the oldest first (at most 100): the city's queue.")
    async def offline_claims(self, info: Info[Context, None], status: ClaimStatus = ClaimStatusModel.PENDING  # type: ignore[valid-type,assignment]
                             ) -> list[OfflineClaimType]:
        url = info.context.settings.public_url
        found = await service.claims_to_decide(await info.context.user(), ClaimStatusModel(status))
        return [OfflineClaimType.from_model(c, url) for c in found]

    @strawberry.field(description="A month's offline claims and the shops that joined through claims (the city).")
    async def offline_claims_summary(self, info: Info[Context, None], month: dt.date) -> ClaimsSummaryType:
        s = await invitations.claims_summary(await info.context.user(), month)
        return ClaimsSummaryType(month=s.month, approved_claims=s.approved_claims,
                                 approved_amount=Rupiah(s.approved_amount), claiming_asn=s.claiming_asn,
                                 pending_claims=s.pending_claims, rejected_claims=s.rejected_claims,
                                 invitations=s.invitations, shops_joined=s.shops_joined)


@strawberry.type
class OfflineClaimsMutation:
    @strawberry.mutation(description="An ASN claims a purchase at a local shop not on the app, with its photo.")
    async def claim_offline_purchase(self, info: Info[Context, None], input: OfflineClaimInput) -> OfflineClaimPayload:
        async def run(user: object) -> OfflineClaim:
            return await service.submit_claim(user, input.draft(), _storage(info.context))  # type: ignore[arg-type]

        url = info.context.settings.public_url
        return await mutate(info, OfflineClaimPayload, run, lambda c: {"claim": OfflineClaimType.from_model(c, url)})

    @strawberry.mutation(description="A CITY_OFFICER approves or rejects (with a reason) a PENDING claim; an approved "
                         "claim's shop gets an invitation.")
    async def decide_offline_claim(self, info: Info[Context, None], input: DecideOfflineClaimInput
                                   ) -> OfflineClaimPayload:
        async def run(user: object) -> OfflineClaim:
            claim = await service.decide_claim(user, parse_id(input.claim_id, "input.claimId"),  # type: ignore[arg-type]
                                               input.approve, input.reason)
            await claim.fetch_related("invitation")
            return claim

        url = info.context.settings.public_url
        return await mutate(info, OfflineClaimPayload, run, lambda c: {"claim": OfflineClaimType.from_model(c, url)})

    @strawberry.mutation(description="A seller's shop joins with the invitation its claims brought: the claims of "
                         "purchases there link to it.")
    async def join_with_invitation(self, info: Info[Context, None], shop_id: strawberry.ID, code: str
                                   ) -> ShopInvitationPayload:
        url = info.context.settings.public_url
        return await mutate(
            info, ShopInvitationPayload,
            lambda user: invitations.join_with_invitation(user, parse_id(shop_id, "shopId"), code),
            lambda inv: {"invitation": ShopInvitationType.from_model(inv, url)})
