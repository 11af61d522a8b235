//! Profile pictures, one per account, as the server encoded them.

use crate::domain::{AccountId, MembershipId, OrganisationId};
use sqlx::PgExecutor;

/// Stores (or replaces) the account's picture and returns its version
/// (milliseconds since the epoch of the change), for its address.
pub async fn put(db: impl PgExecutor<'_>, account: AccountId, image: &[u8]) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"INSERT INTO avatars (account_id, image) VALUES ($1, $2)
           ON CONFLICT (account_id) DO UPDATE SET image = EXCLUDED.image, updated_at = now()
           RETURNING (extract(epoch FROM updated_at) * 1000)::bigint AS "version!""#,
        account as AccountId,
        image
    )
    .fetch_one(db)
    .await
}

/// Removes the account's picture; whether there was one.
pub async fn remove(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<bool> {
    sqlx::query!(
        "DELETE FROM avatars WHERE account_id = $1",
        account as AccountId
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected() > 0)
}

/// The picture of the person behind `membership`, if the membership is
/// `org`'s: a picture is shown only to people of an organisation the
/// person belongs to.
pub async fn for_member(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    membership: MembershipId,
) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar!(
        r#"SELECT av.image FROM memberships m
           JOIN avatars av ON av.account_id = m.account_id
           WHERE m.organisation_id = $1 AND m.id = $2"#,
        org as OrganisationId,
        membership as MembershipId
    )
    .fetch_optional(db)
    .await
}
