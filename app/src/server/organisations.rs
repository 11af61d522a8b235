//! Organisation settings: name, time zone, invitation expiry, primary
//! contact, the product's address members' home page links to, and the
//! two-factor policy.

use super::actor::authenticate;
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{memberships, organisations};
use super::error::ServerError;
use super::request::RequestScope;
use crate::domain::audit::AuditAction;
use crate::domain::invitation::ExpiryHours;
use crate::domain::person::PersonName;
use crate::domain::product_url::ProductUrl;
use crate::domain::two_factor_policy::{parse_grace_days, TwoFactorPolicy};
use crate::domain::{AccountId, Permission};
use crate::domain::{MembershipId, OrganisationId, Refusal};
use crate::wire::choice::Choice;
use crate::wire::organisation::OrganisationSettings;
use crate::wire::AppError;
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

pub async fn settings(scope: RequestScope) -> Result<OrganisationSettings, ServerError> {
    let actor = authenticate(&scope).await?;
    actor.require(Permission::ManageOrganisation)?;
    let pool = &scope.state.pool;
    let current = organisations::settings(pool, actor.organisation_id).await?;
    let policy = organisations::two_factor_policy(pool, actor.organisation_id).await?;
    Ok(OrganisationSettings {
        two_factor_policy: TwoFactorPolicy::from_key(&policy.policy).unwrap_or_default(),
        two_factor_grace_days: policy.grace_days,
        name: current.name,
        time_zone: current.time_zone,
        invitation_expiry_hours: current.invitation_expiry_hours,
        time_zones: organisations::time_zones(pool).await?,
        primary_contact: current.primary_contact_id,
        product_url: current.product_url,
        contact_choices: organisations::contact_candidates(pool, actor.organisation_id)
            .await?
            .into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect(),
    })
}

/// The settings form, as typed.
pub struct SettingsForm {
    pub name: String,
    pub time_zone: String,
    pub invitation_expiry_hours: String,
    /// `None` leaves the primary contact as it is.
    pub primary_contact_id: Option<String>,
    /// Empty: no link on members' home page.
    pub product_url: String,
}

pub async fn save(scope: RequestScope, form: SettingsForm) -> Result<(), ServerError> {
    let actor = authenticate(&scope).await?;
    actor.require(Permission::ManageOrganisation)?;
    let pool = &scope.state.pool;
    // Organisation names follow the same rules as people's names: any
    // script, no hidden or markup characters.
    let name = PersonName::parse(&form.name)
        .map_err(|e| AppError::invalid("name", e.to_string().replace("A name", "The name")))?;
    let time_zone = form.time_zone.trim().to_string();
    if !organisations::is_known_time_zone(pool, &time_zone).await? {
        return Err(AppError::invalid("time_zone", "Choose a time zone from the list.").into());
    }
    let expiry = ExpiryHours::parse_optional(&form.invitation_expiry_hours)
        .map_err(|e| AppError::invalid("invitation_expiry_hours", e.to_string()))?
        .ok_or_else(|| {
            AppError::invalid(
                "invitation_expiry_hours",
                "Choose how long invitations last.",
            )
        })?;
    let product_url = ProductUrl::parse_optional(&form.product_url)
        .map_err(|e| AppError::invalid("product_url", e.to_string()))?;
    let mut tx = pool.begin().await?;
    // Under the organisation's lock: a member change that checks "is this
    // the primary contact?" and this change take turns.
    organisations::lock(&mut *tx, actor.organisation_id).await?;
    let before = organisations::settings(&mut *tx, actor.organisation_id).await?;
    let primary_contact_id = match form.primary_contact_id.as_deref().map(str::trim) {
        None => before.primary_contact_id,
        Some(input) => {
            let choose = || {
                AppError::invalid(
                    "primary_contact_id",
                    "Choose one of your organisation's enabled owners or admins.",
                )
            };
            let id: AccountId = input.parse().map_err(|_| choose())?;
            let candidates =
                organisations::contact_candidates(&mut *tx, actor.organisation_id).await?;
            if !candidates.iter().any(|(candidate, _)| *candidate == id) {
                return Err(choose().into());
            }
            Some(id)
        }
    };
    let new = organisations::Settings {
        name: name.as_str().to_string(),
        time_zone,
        invitation_expiry_hours: expiry.hours(),
        primary_contact_id,
        product_url: product_url.map(|url| url.to_string()),
    };
    // The primary contact hears of the organisation's security matters,
    // and the product address is where people are sent after signing in:
    // changing either asks a recent proof, as other access changes do.
    if before.primary_contact_id != new.primary_contact_id || before.product_url != new.product_url
    {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    organisations::update_settings(&mut *tx, actor.organisation_id, &new).await?;
    // Names beside the ids, so that the audit log reads without a lookup.
    let mut contact_names = Vec::new();
    for id in [before.primary_contact_id, new.primary_contact_id] {
        contact_names.push(match id {
            Some(id) => organisations::contact_name(&mut *tx, id).await?,
            None => None,
        });
    }
    let event = AuditEvent::new(AuditAction::OrganisationUpdated)
        .in_organisation(actor.organisation_id)
        .by(actor.account_id, &actor.display_name)
        .on_organisation(actor.organisation_id, &new.name)
        .with_change(
            Some(serde_json::json!({
                "name": before.name,
                "time_zone": before.time_zone,
                "invitation_expiry_hours": before.invitation_expiry_hours,
                "primary_contact_id": before.primary_contact_id,
                "primary_contact": contact_names[0],
                "product_url": before.product_url,
            })),
            Some(serde_json::json!({
                "name": new.name,
                "time_zone": new.time_zone,
                "invitation_expiry_hours": new.invitation_expiry_hours,
                "primary_contact_id": new.primary_contact_id,
                "primary_contact": contact_names[1],
                "product_url": new.product_url,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    // The old and the new contact's pages say whether they are it.
    if before.primary_contact_id != new.primary_contact_id {
        let mut notices = Vec::new();
        for account in [before.primary_contact_id, new.primary_contact_id]
            .into_iter()
            .flatten()
        {
            notices.extend(
                memberships::of_account(&mut *tx, account)
                    .await?
                    .into_iter()
                    .filter(|(org, _)| *org == actor.organisation_id)
                    .map(|(org, membership)| TeamNotice::member(org, membership)),
            );
        }
        team_events::notify(&mut *tx, &notices).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets whom two-factor sign-in is required of, and the grace in days.
/// A security setting: it needs [`Permission::ManageOrganisation`] and a
/// recent proof of who is asking. Whoever it newly covers gets their
/// grace from now; whoever it no longer covers is released.
pub async fn save_two_factor_policy(
    scope: RequestScope,
    policy: String,
    grace_days: String,
) -> Result<(), ServerError> {
    let actor = authenticate(&scope).await?;
    actor.require(Permission::ManageOrganisation)?;
    let org = actor.organisation_id;
    let policy = TwoFactorPolicy::from_key(policy.trim()).ok_or_else(|| {
        AppError::invalid("two_factor_policy", "Choose one of the three policies.")
    })?;
    let grace_days =
        parse_grace_days(&grace_days).map_err(|e| AppError::invalid("two_factor_grace_days", e))?;
    if grace_days == 0 && !actor.has_factor && policy.applies_to(&actor.permissions) {
        return Err(Refusal::OwnFactorFirst.into());
    }
    let now = scope.state.clock.now();
    actor.require_recent_proof(now)?;
    let mut tx = scope.state.pool.begin().await?;
    organisations::lock(&mut *tx, org).await?;
    let before = organisations::two_factor_policy(&mut *tx, org).await?;
    if before.policy == policy.key() && before.grace_days == grace_days {
        return Ok(());
    }
    organisations::set_two_factor_policy(&mut *tx, org, policy.key(), grace_days).await?;
    let mut changed = refresh_two_factor_requirement(&mut tx, org, None, now).await?;
    let newly = changed.len();
    let event = AuditEvent::new(AuditAction::TwoFactorPolicyChanged)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_organisation(org, &actor.organisation_name)
        .with_change(
            Some(serde_json::json!({ "policy": before.policy, "grace_days": before.grace_days })),
            Some(serde_json::json!({
                "policy": policy.key(),
                "grace_days": grace_days,
                "members_newly_covered_or_released": newly,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    // The rows whose deadline came, went, or moved with the grace.
    if before.grace_days != grace_days {
        changed.extend(memberships::covered_by_two_factor_policy(&mut *tx, org).await?);
    }
    let notices: Vec<TeamNotice> = changed
        .into_iter()
        .map(|id| TeamNotice::member(org, id))
        .collect();
    team_events::notify(&mut *tx, &notices).await?;
    tx.commit().await?;
    tracing::info!(request_id = %scope.meta.request_id, organisation = %org, policy = policy.key(), grace_days, newly, "two-factor policy changed");
    Ok(())
}

/// Brings `org`'s memberships (or only `only`) in line with its
/// two-factor policy, in `tx`, after anything that changes whom it covers:
/// the policy, a member's role, a new member. Returns those that changed.
pub(super) async fn refresh_two_factor_requirement(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    only: Option<MembershipId>,
    now: DateTime<Utc>,
) -> Result<Vec<MembershipId>, ServerError> {
    Ok(memberships::refresh_two_factor_requirement(
        &mut **tx,
        org,
        only,
        &TwoFactorPolicy::sensitive_keys(),
        &TwoFactorPolicy::sensitive_keys_at_sites(),
        now,
    )
    .await?)
}
