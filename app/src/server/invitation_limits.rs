//! How many invitation emails may go out: at most
//! [`PER_INVITER_PER_HOUR`] from one inviter and [`PER_ORGANISATION_PER_HOUR`]
//! from one organisation, invitations and resends alike. An admin account
//! taken over, or a script gone wrong, cannot turn Roster into a spam
//! cannon or burn the organisation's mail reputation.

use super::actor::Actor;
use super::db::audit;
use super::error::ServerError;
use super::sign_in::{locked_for, minutes_ceil};
use crate::domain::audit::AuditAction;
use crate::wire::AppError;
use sqlx::{Postgres, Transaction};
use std::time::Duration;

pub const PER_INVITER_PER_HOUR: i64 = 100;
pub const PER_ORGANISATION_PER_HOUR: i64 = 500;
const WINDOW: Duration = Duration::from_secs(3600);

/// The actions that send an invitation email.
const SENDS: [AuditAction; 2] = [
    AuditAction::InvitationCreated,
    AuditAction::InvitationResent,
];

/// Refuses with [`AppError::TooManyInvitations`] when `actor` or their
/// organisation has sent as many invitations this hour as it may. Takes
/// the organisation's invitation lock until the transaction ends, so that
/// concurrent sends are counted one after another: the caller records its
/// own send (audited) in the same transaction.
pub async fn check(tx: &mut Transaction<'_, Postgres>, actor: &Actor) -> Result<(), ServerError> {
    let keys = SENDS.map(AuditAction::key);
    audit::lock_organisation_sends(&mut **tx, actor.organisation_id).await?;
    let by_inviter = audit::recent_times(
        &mut **tx,
        actor.organisation_id,
        Some(actor.account_id),
        &keys,
        WINDOW,
        PER_INVITER_PER_HOUR,
    )
    .await?;
    let by_organisation = audit::recent_times(
        &mut **tx,
        actor.organisation_id,
        None,
        &keys,
        WINDOW,
        PER_ORGANISATION_PER_HOUR,
    )
    .await?;
    let wait = [
        locked_for(&by_inviter, PER_INVITER_PER_HOUR, WINDOW),
        locked_for(&by_organisation, PER_ORGANISATION_PER_HOUR, WINDOW),
    ]
    .into_iter()
    .flatten()
    .max();
    match wait {
        Some(wait) => Err(AppError::TooManyInvitations {
            minutes: minutes_ceil(wait),
        }
        .into()),
        None => Ok(()),
    }
}
