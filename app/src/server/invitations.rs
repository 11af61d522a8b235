//! Invitations: the rules behind the `invitations/*` and `invitation/*`
//! server functions (the inviter's side and the invitee's).
//!
//! Every write that touches more than one row runs in one transaction: the
//! invitation and its queued email, a resend and the superseded email, an
//! accept and the account, membership, audit events and session.

use super::actor::{authenticate, recheck, Actor};
use super::assignment::{
    department_name, department_of, grantable_extras, grantable_groups, grantable_role,
    grantable_sites, ChosenSite,
};
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{
    accounts, invitations, memberships, organisations, outbox, product_permissions, two_factor,
};
use super::email_templates::InvitationEmail;
use super::email_verification;
use super::error::{is_unique_violation, ServerError};
use super::invitation_limits;
use super::password::Password;
use super::password_strength;
use super::request::RequestScope;
use super::sign_in::{open_session, set_session_cookie, verify_password};
use super::state::Links;
use super::token::{hash_token, SecretToken};
use crate::domain::audit::AuditAction;
use crate::domain::invitation::{
    self, inviter_entitled, DeliveryState, ExpiryHours, InvitationStatus, Inviter, InviterStanding,
};
use crate::domain::person::{PersonName, PhoneNumber, Position};
use crate::domain::scope::Reach;
use crate::domain::step_up;
use crate::domain::{
    AccountId, EmailAddress, GroupId, InvitationId, MembershipStatus, OrganisationId, Permission,
    Refusal, SiteId,
};
use crate::wire::accept::{InvitationDetails, InvitationPage};
use crate::wire::invitations::{InviteOutcome, IssuedLink};
use crate::wire::password::PasswordHint;
use crate::wire::AppError;
use chrono::Utc;
use sqlx::{PgPool, Postgres, Transaction};
use std::collections::BTreeSet;

/// Where a person lands after accepting.
pub const WELCOME_PATH: &str = "/welcome";

/// Someone who may invite, across the organisation or at some sites.
async fn inviter(scope: &RequestScope) -> Result<(Actor, Reach), ServerError> {
    let actor = authenticate(scope).await?;
    let reach = actor.require_reach(Permission::InviteMembers)?;
    Ok((actor, reach))
}

/// The invite dialog's fields, as typed.
pub struct InviteForm {
    pub email: String,
    pub name: String,
    pub role_id: String,
    /// Granted on top of the role, by key.
    pub permissions: Vec<String>,
    pub department_id: String,
    pub expiry_hours: String,
    /// The groups accepting puts them in, by id.
    pub groups: Vec<String>,
    /// The sites accepting puts them on, each "{site id}:{role id}".
    pub sites: Vec<String>,
}

pub async fn create(scope: RequestScope, form: InviteForm) -> Result<InviteOutcome, ServerError> {
    let (actor, reach) = inviter(&scope).await?;
    let pool = &scope.state.pool;
    let org = actor.organisation_id;

    let email =
        EmailAddress::parse(&form.email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    let name = match form.name.trim() {
        "" => String::new(),
        typed => PersonName::parse(typed)
            .map_err(|e| AppError::invalid("name", e.to_string()))?
            .as_str()
            .to_string(),
    };
    let role = grantable_role(pool, &actor, &form.role_id).await?;
    let permissions = grantable_extras(pool, &actor, &role, &form.permissions).await?;
    let groups = grantable_groups(pool, &actor, &form.groups).await?;
    let sites = grantable_sites(pool, &actor, &form.sites).await?;
    let department = department_of(pool, org, &form.department_id).await?;
    let default_expiry = organisation_expiry(pool, org).await?;
    // The dialog offers the organisation's setting first, so only another
    // choice is the inviter's own: that one is kept for resends, the
    // setting is read again then.
    let chosen_expiry = ExpiryHours::parse_optional(&form.expiry_hours)
        .map_err(|e| AppError::invalid("expiry_hours", e.to_string()))?
        .filter(|chosen| *chosen != default_expiry);
    let expiry = chosen_expiry.unwrap_or(default_expiry);

    // Only this organisation's members are looked at: whether the email has
    // an account elsewhere is never revealed to the inviter. A member
    // outside a site manager's sites is nobody to them: the invitation goes
    // out as to a new address, and accepting it puts the member on the
    // invitation's sites (`join`).
    if let Some(their_sites) = accounts::member_sites(pool, org, email.as_str()).await? {
        let their_sites: BTreeSet<SiteId> = their_sites.into_iter().map(SiteId).collect();
        if reach.reaches(&their_sites) {
            return Err(AppError::invalid(
                "email",
                "This person is already a member of this organisation.",
            )
            .into());
        }
    }
    let tokens = LinkTokens::generate();
    let expires_at = expiry.after(Utc::now());
    let mut tx = pool.begin().await?;
    // Every invitation is written under this lock, so two inviters racing
    // for one address cannot both find none open.
    audit::lock_organisation_sends(&mut *tx, org).await?;
    // One open invitation per address and inviting scope: an inviter is
    // offered the one they can see (within where they may invite). One
    // for sites outside theirs must not be revealed to them, so they make
    // their own, as for a new address.
    if let Some(outcome) = already_invited(&mut tx, org, email.as_str(), &reach).await? {
        return Ok(outcome);
    }
    invitation_limits::check(&mut tx, &actor).await?;
    let id = invitations::insert(
        &mut *tx,
        invitations::NewInvitation {
            organisation: org,
            email: email.as_str(),
            display_name: &name,
            role: role.id,
            permissions: &permissions,
            department,
            email_token_hash: &tokens.emailed.hash(),
            copy_token_hash: &tokens.copied.hash(),
            invited_by: Some(actor.account_id),
            invited_by_name: &actor.display_name,
            expires_at,
            expiry_hours: chosen_expiry.map(ExpiryHours::hours),
        },
    )
    .await?;
    let group_ids: Vec<GroupId> = groups.iter().map(|(id, _)| *id).collect();
    invitations::set_groups(&mut tx, id, &group_ids).await?;
    invitations::set_sites(&mut tx, id, &site_pairs(&sites)).await?;
    // Judged on what was written, groups and sites included, before any
    // email or link exists; refused, the transaction leaves nothing.
    let vouched = require_proof_for(&mut tx, &scope, &actor, id).await?;
    invitations::set_copy_vouched(&mut *tx, id, vouched).await?;
    queue_email(&mut tx, &scope.state.links, id, &tokens.emailed).await?;
    team_events::notify(&mut *tx, &[TeamNotice::invitation(org, id)]).await?;
    let department_name = department_name(&mut *tx, org, department).await?;
    let event = AuditEvent::new(AuditAction::InvitationCreated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_invitation(id, email.as_str())
        .with_change(
            None,
            Some(serde_json::json!({
                "role": role.name,
                "permissions": permissions,
                "department_id": department,
                "department": department_name,
                "groups": names(&groups),
                "sites": described(&sites),
                "expires_at": expires_at,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    scope.state.outbox.wake();
    tracing::info!(request_id = %scope.meta.request_id, invitation = %id, "invitation created");
    Ok(InviteOutcome::Created(IssuedLink {
        invitation_id: id,
        email: email.as_str().to_string(),
        link: scope.state.links.invitation(tokens.copied.expose()),
        expires_at,
        delivery: Some(DeliveryState::Queued),
    }))
}

/// Refuses, asking for a step-up, when invitation `id` (as written in
/// `tx`) grants anything sensitive, owning included, and the actor's proof
/// is not recent: accepting such an invitation opens a freshly proven
/// session, so handing one out asks what granting it directly asks.
/// Returns whether it does.
async fn require_proof_for(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    id: InvitationId,
) -> Result<bool, ServerError> {
    let org = actor.organisation_id;
    let written = invitations::lock_for_admin(&mut **tx, org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sensitive = grants_sensitively(tx, org, &written).await?;
    if sensitive {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    Ok(sensitive)
}

/// Whether what `invitation` grants is sensitive, by the catalogue.
async fn grants_sensitively(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    invitation: &invitations::ManagedInvitation,
) -> Result<bool, ServerError> {
    let catalogue = product_permissions::catalogue(&mut **tx, org).await?;
    Ok(step_up::grants_need_proof(
        &invitation.grants,
        &invitation.site_grants,
        &catalogue,
    ))
}

/// The sites as stored: each with its role.
fn site_pairs(sites: &[ChosenSite]) -> Vec<(crate::domain::SiteId, crate::domain::RoleId)> {
    sites.iter().map(|s| (s.site, s.role)).collect()
}

/// "Berlin (Technician)" each, for the audit log.
fn described(sites: &[ChosenSite]) -> Vec<String> {
    sites.iter().map(ChosenSite::described).collect()
}

/// The groups' names, for the audit log.
fn names(groups: &[(GroupId, String)]) -> Vec<&str> {
    groups.iter().map(|(_, name)| name.as_str()).collect()
}

/// An invitation's two links. Only accepting through the emailed one
/// proves that the person reads the address; the inviter's copyable one
/// may have been pasted anywhere. Both are 256-bit, stored as hashes,
/// replaced together and closed together.
struct LinkTokens {
    emailed: SecretToken,
    copied: SecretToken,
}

impl LinkTokens {
    fn generate() -> Self {
        Self {
            emailed: SecretToken::generate(),
            copied: SecretToken::generate(),
        }
    }
}

async fn organisation_expiry(db: &PgPool, org: OrganisationId) -> Result<ExpiryHours, ServerError> {
    let settings = organisations::settings(db, org).await?;
    Ok(ExpiryHours::new(settings.invitation_expiry_hours).unwrap_or_default())
}

/// The open invitation for `email` that an inviter reaching `reach` sees,
/// offered to them in place of a second one.
async fn already_invited(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    email: &str,
    reach: &Reach,
) -> Result<Option<InviteOutcome>, ServerError> {
    Ok(
        invitations::find_open_by_email(&mut **tx, org, email, reach.sites().as_deref())
            .await?
            .map(
                |(invitation_id, expires_at)| InviteOutcome::AlreadyInvited {
                    invitation_id,
                    status: InvitationStatus::at(Utc::now(), expires_at, None, None),
                },
            ),
    )
}

/// Renders the invitation email and queues it, in the caller's transaction.
async fn queue_email(
    tx: &mut Transaction<'_, Postgres>,
    links: &Links,
    id: InvitationId,
    token: &SecretToken,
) -> Result<(), ServerError> {
    let context = invitations::email_context(&mut **tx, id).await?;
    let link = links.invitation(token.expose());
    let rendered = InvitationEmail {
        organisation_name: &context.organisation_name,
        inviter_name: &context.inviter_name,
        invitee_name: &context.display_name,
        role_name: &context.role_name,
        link: &link,
        expires_at: context.expires_at,
        expires_local: &context.expires_local,
        time_zone: &context.time_zone,
    }
    .render();
    outbox::enqueue(
        &mut **tx,
        Some(context.organisation_id),
        Some(id),
        outbox::KIND_INVITATION,
        &context.email,
        &links.seal(&rendered, &context.email, Some(context.expires_at)),
    )
    .await?;
    Ok(())
}

/// Locks an open invitation of the actor's organisation that the actor may
/// act on: one they could send now. A site manager's reach ends at their
/// sites: an invitation to none of them is not found.
async fn lock_open(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: InvitationId,
) -> Result<invitations::ManagedInvitation, ServerError> {
    let invitation = invitations::lock_for_admin(&mut **tx, actor.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let granted = invitation.granted();
    if !actor
        .require_reach(Permission::InviteMembers)?
        .reaches(&granted.places)
    {
        return Err(AppError::NotFound.into());
    }
    let standing = InviterStanding {
        enabled: true,
        permissions: &actor.permissions,
        sites: &actor.site_permissions,
    };
    if !inviter_entitled(Inviter::Member(Some(standing)), &granted) {
        return Err(AppError::Forbidden.into());
    }
    match invitation.status {
        InvitationStatus::Revoked => Err(Refusal::InvitationRevoked.into()),
        InvitationStatus::Accepted => Err(Refusal::InvitationAccepted.into()),
        InvitationStatus::Pending | InvitationStatus::Expired => Ok(invitation),
    }
}

/// Gives an open invitation a new token and a fresh expiry (the duration
/// its inviter chose, else the organisation's current one); with `email`,
/// sends it again (Resend, Send new invitation), otherwise only returns the
/// link (Create new link). Either way the old link stops working at once
/// and its unsent email is superseded.
pub async fn reissue(
    scope: RequestScope,
    id: InvitationId,
    email: bool,
) -> Result<IssuedLink, ServerError> {
    let (actor, _) = inviter(&scope).await?;
    let pool = &scope.state.pool;
    let default_expiry = organisation_expiry(pool, actor.organisation_id).await?;
    let mut tx = pool.begin().await?;
    if email {
        invitation_limits::check(&mut tx, &actor).await?;
    }
    let invitation = lock_open(&mut tx, &actor, id).await?;
    let vouched = require_proof_for(&mut tx, &scope, &actor, id).await?;
    let expiry = invitation
        .expiry_hours
        .and_then(|hours| ExpiryHours::new(hours).ok())
        .unwrap_or(default_expiry);
    let tokens = LinkTokens::generate();
    let expires_at = expiry.after(Utc::now());
    outbox::supersede_for_invitation(&mut *tx, id).await?;
    invitations::rotate_tokens(
        &mut *tx,
        id,
        &tokens.emailed.hash(),
        &tokens.copied.hash(),
        expires_at,
        email,
    )
    .await?;
    invitations::set_copy_vouched(&mut *tx, id, vouched).await?;
    team_events::notify(
        &mut *tx,
        &[TeamNotice::invitation(actor.organisation_id, id)],
    )
    .await?;
    if email {
        queue_email(&mut tx, &scope.state.links, id, &tokens.emailed).await?;
    }
    let action = if email {
        AuditAction::InvitationResent
    } else {
        AuditAction::InvitationLinkRotated
    };
    let event = AuditEvent::new(action)
        .in_organisation(actor.organisation_id)
        .by(actor.account_id, &actor.display_name)
        .on_invitation(id, &invitation.email)
        .with_change(None, Some(serde_json::json!({ "expires_at": expires_at })));
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    if email {
        scope.state.outbox.wake();
    }
    Ok(IssuedLink {
        invitation_id: id,
        email: invitation.email,
        link: scope.state.links.invitation(tokens.copied.expose()),
        expires_at,
        delivery: email.then_some(DeliveryState::Queued),
    })
}

pub async fn revoke(scope: RequestScope, id: InvitationId) -> Result<(), ServerError> {
    let (actor, _) = inviter(&scope).await?;
    let mut tx = scope.state.pool.begin().await?;
    let invitation = lock_open(&mut tx, &actor, id).await?;
    invitations::revoke(&mut *tx, id, &actor.display_name).await?;
    team_events::notify(
        &mut *tx,
        &[TeamNotice::invitation(actor.organisation_id, id)],
    )
    .await?;
    outbox::supersede_for_invitation(&mut *tx, id).await?;
    let event = AuditEvent::new(AuditAction::InvitationRevoked)
        .in_organisation(actor.organisation_id)
        .by(actor.account_id, &actor.display_name)
        .on_invitation(id, &invitation.email);
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn update(
    scope: RequestScope,
    id: InvitationId,
    role_id: String,
    permissions: Vec<String>,
    department_id: String,
    groups: Vec<String>,
    sites: Vec<String>,
) -> Result<(), ServerError> {
    let (actor, _) = inviter(&scope).await?;
    let pool = &scope.state.pool;
    let role = grantable_role(pool, &actor, &role_id).await?;
    let permissions = grantable_extras(pool, &actor, &role, &permissions).await?;
    let groups = grantable_groups(pool, &actor, &groups).await?;
    let sites = grantable_sites(pool, &actor, &sites).await?;
    let department = department_of(pool, actor.organisation_id, &department_id).await?;
    let mut tx = pool.begin().await?;
    let invitation = lock_open(&mut tx, &actor, id).await?;
    let groups_before = invitations::groups_of(&mut *tx, &[id]).await?;
    let sites_before = invitations::sites_of(&mut *tx, id).await?;
    invitations::update_assignment(&mut *tx, id, role.id, &permissions, department).await?;
    let group_ids: Vec<GroupId> = groups.iter().map(|(id, _)| *id).collect();
    invitations::set_groups(&mut tx, id, &group_ids).await?;
    // Announced at its sites before the change and after: a site it
    // leaves hears of it too.
    let notice = [TeamNotice::invitation(actor.organisation_id, id)];
    team_events::notify(&mut *tx, &notice).await?;
    invitations::set_sites(&mut tx, id, &site_pairs(&sites)).await?;
    let was_sensitive = grants_sensitively(&mut tx, actor.organisation_id, &invitation).await?;
    if require_proof_for(&mut tx, &scope, &actor, id).await? && !was_sensitive {
        // A link copied while it granted nothing sensitive may be in the
        // hands of someone who could not hand out this much: it stops
        // working. The emailed one goes on; a new one is a "Create new
        // link" away.
        let copied = SecretToken::generate();
        invitations::rotate_copy_token(&mut *tx, id, &copied.hash()).await?;
        // Nobody holds the new one; the next "Create new link" issues it,
        // vouched for again.
        invitations::set_copy_vouched(&mut *tx, id, true).await?;
    }
    team_events::notify(
        &mut *tx,
        &[TeamNotice::invitation(actor.organisation_id, id)],
    )
    .await?;
    let department_name = department_name(&mut *tx, actor.organisation_id, department).await?;
    let event = AuditEvent::new(AuditAction::InvitationUpdated)
        .in_organisation(actor.organisation_id)
        .by(actor.account_id, &actor.display_name)
        .on_invitation(id, &invitation.email)
        .with_change(
            Some(serde_json::json!({
                "role": invitation.role_name,
                "permissions": invitation.permissions,
                "department": invitation.department_name,
                "groups": groups_before.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
                "sites": sites_before.iter().map(|s| format!("{} ({})", s.site, s.role)).collect::<Vec<_>>(),
            })),
            Some(serde_json::json!({
                "role": role.name,
                "permissions": permissions,
                "department_id": department,
                "department": department_name,
                "groups": names(&groups),
                "sites": described(&sites),
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delivery(
    scope: RequestScope,
    id: InvitationId,
) -> Result<Option<DeliveryState>, ServerError> {
    let (actor, reach) = inviter(&scope).await?;
    let pool = &scope.state.pool;
    // Another organisation's invitation, or one to none of a site
    // manager's sites, is unknown here, not "no email".
    let places: Option<BTreeSet<SiteId>> =
        invitations::sites_if_in(pool, actor.organisation_id, id)
            .await?
            .map(|sites| sites.into_iter().map(SiteId).collect());
    if !places.is_some_and(|places| reach.reaches(&places)) {
        return Err(AppError::NotFound.into());
    }
    Ok(outbox::latest_delivery(pool, actor.organisation_id, id).await?)
}

/// What happened to an inviter that made their open invitations be judged
/// again; the audit events of the revocations say it.
#[derive(Debug, Clone, Copy)]
pub enum InviterChange {
    Disabled,
    RoleChanged,
    /// Their role itself was edited, or deleted and its holders moved.
    RoleEdited,
    /// A permission granted to them directly was taken away.
    PermissionTaken,
    /// A group they are in changed, or they left one.
    GroupChanged,
    /// Their site role changed, or they left a site.
    SiteChanged,
    Deleted,
}

impl InviterChange {
    fn reason(self) -> &'static str {
        match self {
            Self::Disabled => "Inviter disabled",
            Self::RoleChanged => "Inviter's role changed",
            Self::RoleEdited => "Inviter's role was edited",
            Self::PermissionTaken => "A permission was taken from the inviter",
            Self::GroupChanged => "The inviter's groups changed",
            Self::SiteChanged => "The inviter's sites changed",
            Self::Deleted => "Inviter deleted",
        }
    }
}

/// In the caller's transaction (after it changed the inviter): revokes the
/// open invitations `inviter` sent in the actor's organisation that their
/// new `standing` (`None` once they are no longer a member) no longer
/// entitles, supersedes their unsent emails, announces each to
/// the live team streams and records one audit event per invitation, so
/// that each invitation's own history says how it ended. Returns their ids.
pub(super) async fn revoke_unentitled(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    inviter: AccountId,
    standing: Option<InviterStanding<'_>>,
    change: InviterChange,
) -> Result<Vec<InvitationId>, ServerError> {
    let org = actor.organisation_id;
    let sent = invitations::lock_open_sent_by(&mut **tx, org, inviter).await?;
    let revoked: Vec<&invitations::SentInvitation> = sent
        .iter()
        .filter(|i| !inviter_entitled(Inviter::Member(standing), &i.granted()))
        .collect();
    if revoked.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<InvitationId> = revoked.iter().map(|i| i.id).collect();
    invitations::revoke_many(&mut **tx, &ids, &actor.display_name).await?;
    let notices: Vec<TeamNotice> = ids
        .iter()
        .map(|&id| TeamNotice::invitation(org, id))
        .collect();
    team_events::notify(&mut **tx, &notices).await?;
    for invitation in revoked {
        outbox::supersede_for_invitation(&mut **tx, invitation.id).await?;
        let event = AuditEvent::new(AuditAction::InvitationRevoked)
            .in_organisation(org)
            .by(actor.account_id, &actor.display_name)
            .on_invitation(invitation.id, &invitation.email)
            .with_change(None, Some(serde_json::json!({ "reason": change.reason() })));
        audit::record(&mut **tx, &scope.meta, event).await?;
    }
    tracing::info!(request_id = %scope.meta.request_id, %inviter, revoked = ids.len(), ?change, "inviter's invitations revoked");
    Ok(ids)
}

// ---------------------------------------------------------------------------
// The invitee's side.

pub async fn view(scope: RequestScope, token: String) -> Result<InvitationPage, ServerError> {
    let found = invitations::find_by_token(&scope.state.pool, &hash_token(token.trim())).await?;
    let Some(found) = found else {
        return Ok(InvitationPage::Unknown);
    };
    // A browser signed in as someone else is told so, not shown a form
    // that would make a second account or sign them in twice. Read without
    // counting as activity: looking at a link is not working here.
    let signed_in_as = match found.status() {
        InvitationStatus::Pending => recheck(&scope)
            .await?
            .map(|actor| actor.email)
            .filter(|email| !email.eq_ignore_ascii_case(&found.email)),
        _ => None,
    };
    Ok(match found.status() {
        InvitationStatus::Pending if !found.inviter_entitled() => {
            InvitationPage::InviterNoLongerEntitled {
                organisation_name: found.organisation_name,
            }
        }
        InvitationStatus::Pending if signed_in_as.is_some() => InvitationPage::ForAnotherAddress {
            organisation_name: found.organisation_name,
            signed_in_as: signed_in_as.unwrap_or_default(),
        },
        InvitationStatus::Pending => {
            let sites: Vec<(String, String)> = invitations::sites_of(&scope.state.pool, found.id)
                .await?
                .into_iter()
                .map(|s| (s.site, s.role))
                .collect();
            InvitationPage::Open(InvitationDetails {
                joining_as: invitation::joining_as(
                    &found.role_name,
                    found.department_name.as_deref(),
                    &sites,
                ),
                for_a_member: invitation::for_a_member(&found.organisation_name, &sites),
                organisation_name: found.organisation_name,
                inviter_name: found.inviter_name,
                email: found.email,
                name: found.display_name,
                expires_at: found.expires_at.into(),
            })
        }
        InvitationStatus::Expired => InvitationPage::Expired {
            organisation_name: found.organisation_name,
            inviter_name: found.inviter_name,
        },
        InvitationStatus::Revoked => InvitationPage::Revoked {
            organisation_name: found.organisation_name,
        },
        InvitationStatus::Accepted => InvitationPage::Accepted {
            organisation_name: found.organisation_name,
        },
    })
}

/// Ends this browser's session from an invitation's page (it was signed in
/// as someone else), then shows the invitation again, now for its holder.
pub async fn sign_out_for(scope: RequestScope, token: String) -> Result<(), ServerError> {
    super::sign_in::sign_out(scope).await?;
    // Anything but a token goes nowhere in particular.
    let token = token.trim();
    let back = if crate::domain::next_path::is_link_token(token) {
        format!("/invite?token={token}")
    } else {
        "/invite".to_string()
    };
    // Replaces the sign-in page that signing out goes to otherwise.
    leptos_axum::redirect(&back);
    Ok(())
}

/// The invitation if it can be accepted now: pending, and its inviter
/// could still make it. Otherwise why not, as the message beside the form.
fn acceptable(found: Option<invitations::ByToken>) -> Result<invitations::ByToken, ServerError> {
    match found {
        Some(found) if found.status() == InvitationStatus::Pending => {
            let owning = found
                .grants
                .iter()
                .any(|key| key == Permission::OwnOrganisation.key());
            // The operator's `create-org` link is the exception: whoever
            // runs the deployment hands it over, and could do anything
            // anyway; the new owner verifies their address afterwards.
            if owning && !found.emailed && !found.from_operator {
                Err(Refusal::OwnerInvitationNeedsEmailedLink.into())
            } else if found.inviter_entitled() {
                Ok(found)
            } else {
                Err(Refusal::InviterNoLongerEntitled.into())
            }
        }
        other => Err(closed(other.map(|f| f.status())).into()),
    }
}

/// Why a link that is not pending cannot be accepted.
fn closed(status: Option<InvitationStatus>) -> Refusal {
    match status {
        Some(InvitationStatus::Expired) => Refusal::InvitationLinkExpired,
        Some(InvitationStatus::Accepted) => Refusal::InvitationLinkUsed,
        // A pending invitation is never closed; answering as for an
        // unknown link reveals nothing either way.
        Some(InvitationStatus::Revoked | InvitationStatus::Pending) | None => {
            Refusal::InvitationLinkInvalid
        }
    }
}

/// The pending invitation behind `token`, locked for this transaction.
async fn lock_pending(
    tx: &mut Transaction<'_, Postgres>,
    token: &str,
) -> Result<invitations::ByToken, ServerError> {
    lock_pending_by_hash(tx, &hash_token(token.trim())).await
}

async fn lock_pending_by_hash(
    tx: &mut Transaction<'_, Postgres>,
    hash: &[u8],
) -> Result<invitations::ByToken, ServerError> {
    invitations::lock_by_token(&mut **tx, hash).await?;
    // The inviter's standing is read after the invitation's lock: a change
    // to the inviter that revokes it holds that lock too, so it either
    // committed before (and is seen here) or waits until this accept is
    // done (and finds it accepted).
    let found = acceptable(invitations::find_by_token(&mut **tx, hash).await?)?;
    refuse_outgrown_copy(&mut **tx, found).await
}

/// The pending invitation behind `token`, without a lock, for validating
/// input before the transaction.
async fn pending(db: &PgPool, token: &str) -> Result<invitations::ByToken, ServerError> {
    let found = acceptable(invitations::find_by_token(db, &hash_token(token.trim())).await?)?;
    refuse_outgrown_copy(db, found).await
}

/// Refuses an invitation opened through a copied link that now grants
/// something sensitive which no recent proof vouched for when the link was
/// issued: the invitation came to grant more since (its role, groups or
/// site roles changed, or a product permission became sensitive), and
/// whoever the link reached may have it from someone who could not hand
/// that out. The emailed link, or a new copied one, still works.
async fn refuse_outgrown_copy(
    db: impl sqlx::PgExecutor<'_>,
    found: invitations::ByToken,
) -> Result<invitations::ByToken, ServerError> {
    if found.emailed || found.from_operator || found.copy_vouched {
        return Ok(found);
    }
    let catalogue = product_permissions::catalogue(db, found.organisation_id).await?;
    if step_up::grants_need_proof(&found.grants, &found.site_grants, &catalogue) {
        return Err(Refusal::CopiedLinkOutgrown.into());
    }
    Ok(found)
}

/// The new-account form, as typed.
pub struct NewAccountForm {
    pub token: String,
    pub name: String,
    pub position: String,
    pub phone: String,
    pub password: String,
    pub password_confirm: String,
}

pub async fn accept_new(scope: RequestScope, form: NewAccountForm) -> Result<(), ServerError> {
    let pool = &scope.state.pool;
    let invitation = pending(pool, &form.token).await?;
    if invitation.account_id.is_some() {
        return Err(Refusal::AccountExists.into());
    }
    let name =
        PersonName::parse(&form.name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let position = Position::parse_optional(&form.position)
        .map_err(|e| AppError::invalid("position", e.to_string()))?
        .map(|p| p.as_str().to_string());
    let phone = PhoneNumber::parse_optional(&form.phone)
        .map_err(|e| AppError::invalid("phone", e.to_string()))?;
    let hash = password_strength::hash_new_password(
        &scope.state.hasher,
        form.password,
        &form.password_confirm,
        &[
            &invitation.email,
            &invitation.organisation_name,
            name.as_str(),
        ],
    )
    .await?;

    let mut tx = pool.begin().await?;
    let invitation = lock_pending(&mut tx, &form.token).await?;
    // Only the emailed link proves that the person reads the address.
    let verified = invitation.emailed;
    let account = match accounts::insert(
        &mut *tx,
        &invitation.email,
        name.as_str(),
        Some(hash.as_str()),
        phone.as_ref().map(PhoneNumber::as_str),
        verified,
    )
    .await
    {
        Ok(account) => account,
        // The email got an account since the form was shown.
        Err(e) if is_unique_violation(&e) => return Err(Refusal::AccountExists.into()),
        Err(e) => return Err(e.into()),
    };
    let event = AuditEvent::new(AuditAction::AccountCreated)
        .in_organisation(invitation.organisation_id)
        .by(account, name.as_str())
        .on_account(Some(account), name.as_str())
        .with_change(
            None,
            Some(serde_json::json!({ "email_verified": verified })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    if !verified {
        email_verification::issue(
            &mut tx,
            &scope.state.links,
            account,
            &invitation.email,
            invitation.organisation_id,
        )
        .await?;
    }
    join(
        tx,
        &scope,
        &invitation,
        account,
        name.as_str(),
        position.as_deref(),
    )
    .await?;
    if !verified {
        scope.state.outbox.wake();
    }
    Ok(())
}

pub async fn accept_existing(
    scope: RequestScope,
    token: String,
    password: String,
) -> Result<(), ServerError> {
    let pool = &scope.state.pool;
    let invitation = pending(pool, &token).await?;
    if password.is_empty() {
        return Err(AppError::invalid("current_password", "Enter your password.").into());
    }
    let email_lower = invitation.email.to_lowercase();
    // Counts towards the sign-in limits; the invitation is untouched.
    let account = verify_password(&scope, &email_lower, Password::new(password))
        .await
        .map_err(|e| match e {
            ServerError::App(AppError::InvalidCredentials) => {
                AppError::invalid("current_password", "The password is incorrect.").into()
            }
            other => other,
        })?;
    if two_factor::is_enabled(pool, account.id).await? {
        // The password alone does not accept: the factor step does, and
        // until then the invitation is as it was.
        let hash = hash_token(token.trim());
        let after = super::two_factor::AfterFactor::AcceptInvitation(&hash);
        return super::two_factor::begin_factor_step(&scope, account.id, after).await;
    }
    let tx = pool.begin().await?;
    accept_as(
        tx,
        &scope,
        &hash_token(token.trim()),
        account.id,
        &account.display_name,
    )
    .await
}

/// Accepts the invitation with token hash `invitation` for `account`,
/// whose holder has just proved it with their second factor too, in the
/// factor step's transaction.
pub async fn accept_after_factor(
    tx: Transaction<'_, Postgres>,
    scope: &RequestScope,
    invitation: &[u8],
    account: AccountId,
    name: &str,
) -> Result<(), ServerError> {
    accept_as(tx, scope, invitation, account, name).await
}

/// Locks the pending invitation, checks it is for `account`'s address,
/// and joins.
async fn accept_as(
    mut tx: Transaction<'_, Postgres>,
    scope: &RequestScope,
    invitation_hash: &[u8],
    account: AccountId,
    name: &str,
) -> Result<(), ServerError> {
    let invitation = lock_pending_by_hash(&mut tx, invitation_hash).await?;
    if invitation.account_id != Some(account) {
        // Not the account the password was checked against: the address
        // changed hands in between. Nothing to accept with it.
        return Err(Refusal::AccountExists.into());
    }
    // The password proves the account's holder, the emailed link the
    // mailbox's reader: with both, they are one person.
    if invitation.emailed {
        email_verification::mark_verified(&mut tx, account).await?;
    }
    join(tx, scope, &invitation, account, name, None).await
}

/// Adds the membership the invitation grants, closes the invitation, signs
/// the person in and commits; then sets the cookie and sends them to the
/// welcome page.
async fn join(
    mut tx: Transaction<'_, Postgres>,
    scope: &RequestScope,
    invitation: &invitations::ByToken,
    account: AccountId,
    name: &str,
    position: Option<&str>,
) -> Result<(), ServerError> {
    let org = invitation.organisation_id;
    // A member already: a site manager, to whom they were nobody, invited
    // them to their sites. Accepting puts them there; their role,
    // department and everything else of theirs stay as they are.
    let already = match memberships::of_account(&mut *tx, account)
        .await?
        .into_iter()
        .find(|(o, _)| *o == org)
    {
        Some((_, id)) => {
            let enabled = memberships::lock_for_change(&mut *tx, org, id)
                .await?
                .is_some_and(|m| m.status == MembershipStatus::Enabled.as_str());
            if invitation.sites.is_empty() || invitation.invited_by.is_none() || !enabled {
                return Err(Refusal::AlreadyMember.into());
            }
            Some(id)
        }
        None => None,
    };
    let membership = match already {
        Some(id) => id,
        None => match memberships::insert(
            &mut *tx,
            account,
            org,
            invitation.role_id,
            invitation.department_id,
            position,
        )
        .await
        {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Err(Refusal::AlreadyMember.into()),
            Err(e) => return Err(e.into()),
        },
    };
    // Through a copied link, by an account nobody proved the address of:
    // whoever held the link may not own the address (see
    // `password_resets::end_unproven_memberships`).
    if already.is_none() && !invitation.emailed && !invitation.from_operator {
        memberships::mark_joined_unproven(&mut *tx, membership).await?;
    }
    invitations::mark_accepted(&mut *tx, invitation.id, account).await?;
    // What the invitation granted on top of the role becomes theirs
    // directly, granted by the inviter (the operator's invitation grants
    // nothing on top).
    let (mut joined_groups, mut joined_sites) = (Vec::new(), Vec::new());
    if let Some(inviter) = invitation.invited_by.filter(|_| already.is_none()) {
        // Retiring a permission takes it out of open invitations; one
        // retired between that and this accept's lock is skipped here.
        let live = super::db::product_permissions::catalogue(&mut *tx, org).await?;
        for key in &invitation.permissions {
            if Permission::from_key(key).is_some() || live.contains_key(key) {
                super::db::grants::insert(&mut *tx, membership, key, inviter).await?;
            }
        }
        // Its groups as they are now (a deleted one has dropped out), put
        // in by the inviter: the entitlement check above already counted
        // what they grant.
        for group in invitations::groups_of(&mut *tx, &[invitation.id]).await? {
            super::db::groups::add(&mut *tx, group.id, membership, inviter).await?;
            joined_groups.push(group.name);
        }
    }
    if let Some(inviter) = invitation.invited_by {
        // A site they joined since the invitation was made keeps the role
        // they have there: accepting only adds, so it never takes a
        // site's last manager away either.
        for site in invitations::sites_of(&mut *tx, invitation.id).await? {
            if super::db::sites::add(&mut *tx, site.site_id, membership, site.role_id, inviter)
                .await?
            {
                joined_sites.push(format!("{} ({})", site.site, site.role));
            }
        }
    }
    // Their grace, if the organisation's two-factor policy covers them,
    // starts as they join.
    super::organisations::refresh_two_factor_requirement(
        &mut tx,
        org,
        Some(membership),
        scope.state.clock.now(),
    )
    .await?;
    let notices = [
        TeamNotice::member(org, membership),
        TeamNotice::invitation(org, invitation.id),
    ];
    team_events::notify(&mut *tx, &notices).await?;
    if already.is_none() {
        organisations::claim_primary_contact(&mut *tx, org, account, invitation.role_id).await?;
    }
    outbox::supersede_for_invitation(&mut *tx, invitation.id).await?;
    let accepted = AuditEvent::new(AuditAction::InvitationAccepted)
        .in_organisation(org)
        .by(account, name)
        .on_invitation(invitation.id, &invitation.email);
    audit::record(&mut *tx, &scope.meta, accepted).await?;
    let joined = AuditEvent::new(if already.is_some() {
        AuditAction::MemberSiteAdded
    } else {
        AuditAction::MembershipCreated
    })
    .in_organisation(org)
    .by(account, name)
    .on_account(Some(account), name);
    let joined = match already {
        Some(_) => joined.with_change(None, Some(serde_json::json!({ "sites": joined_sites }))),
        None => joined.with_change(
            None,
            Some(serde_json::json!({
                "membership_id": membership,
                "role": invitation.role_name,
                "permissions": invitation.permissions,
                "department": invitation.department_name,
                "groups": joined_groups,
                "sites": joined_sites,
            })),
        ),
    };
    audit::record(&mut *tx, &scope.meta, joined).await?;
    let token = open_session(&mut tx, scope, account, name, org, scope.state.clock.now()).await?;
    tx.commit().await?;
    set_session_cookie(scope, &token);
    leptos_axum::redirect(WELCOME_PATH);
    Ok(())
}

pub async fn password_hint(
    scope: RequestScope,
    token: String,
    password: String,
) -> Result<PasswordHint, ServerError> {
    // Only for a live invitation: not an open oracle for anyone's guesses.
    let invitation = pending(&scope.state.pool, &token).await?;
    Ok(password_strength::hint(
        &password,
        &[&invitation.email, &invitation.organisation_name],
    ))
}

// ---------------------------------------------------------------------------
// The command line.

/// Creates an organisation with no members and an owner invitation for
/// `owner_email`; returns the link, which goes through the usual accept
/// flow. No email is sent: the operator hands the link over.
pub async fn create_organisation_with_owner_invitation(
    pool: &PgPool,
    links: &Links,
    name: &str,
    owner_email: &str,
) -> Result<String, ServerError> {
    let name = PersonName::parse(name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let email = EmailAddress::parse(owner_email)
        .map_err(|e| AppError::invalid("owner-email", e.to_string()))?;
    let meta = super::request::RequestMeta::internal("create-org");
    let mut tx = pool.begin().await?;
    let (org, _) =
        super::seed::create_organisation(&mut tx, name.as_str(), &[], &[], &meta).await?;
    let owner = memberships::role_by_key(&mut *tx, org, "owner").await?;
    let tokens = LinkTokens::generate();
    let expires_at = ExpiryHours::default().after(Utc::now());
    let id = invitations::insert(
        &mut *tx,
        invitations::NewInvitation {
            organisation: org,
            email: email.as_str(),
            display_name: "",
            role: owner,
            permissions: &[],
            department: None,
            email_token_hash: &tokens.emailed.hash(),
            copy_token_hash: &tokens.copied.hash(),
            invited_by: None,
            invited_by_name: "Roster",
            expires_at,
            expiry_hours: None,
        },
    )
    .await?;
    let event = AuditEvent::new(AuditAction::InvitationCreated)
        .in_organisation(org)
        .on_invitation(id, email.as_str());
    audit::record(&mut *tx, &meta, event).await?;
    tx.commit().await?;
    // Handed over by the operator, not emailed: it proves nothing about the
    // mailbox, and the owner verifies their address like any copied link.
    Ok(links.invitation(tokens.copied.expose()))
}
