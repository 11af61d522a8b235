//! Typed ids, so an account id can never be passed where a membership id is
//! expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[cfg_attr(feature = "ssr", sqlx(transparent))]
        pub struct $name(pub Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

typed_id!(
    /// A person, across every organisation they belong to.
    AccountId,
    /// An organisation (a customer of Roster).
    OrganisationId,
    /// An account's place in one organisation.
    MembershipId,
    /// A built-in or custom role.
    RoleId,
    /// One of an organisation's product permissions.
    ProductPermissionId,
    /// A department of one organisation.
    DepartmentId,
    /// A group of one organisation's people.
    GroupId,
    /// One of an organisation's sites (locations).
    SiteId,
    /// A signed-in browser session.
    SessionId,
    /// An invitation to join one organisation.
    InvitationId,
    /// One password reset link.
    PasswordResetId,
);
