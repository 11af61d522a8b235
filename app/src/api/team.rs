//! The team table.

use crate::domain::{DepartmentId, MembershipId, MembershipStatus, OrganisationId, RoleId};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the team table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: MembershipId,
    pub name: String,
    pub email: String,
    pub role_id: RoleId,
    pub role: String,
    pub department_id: Option<DepartmentId>,
    pub department: Option<String>,
    pub status: MembershipStatus,
    /// The row is the person looking at the table.
    pub is_you: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// The members of `organisation_id`. Needs [`Permission::ViewTeam`] in that
/// organisation: a Member, or anyone from another organisation, gets
/// [`AppError::Forbidden`], never an empty list.
///
/// [`Permission::ViewTeam`]: crate::domain::Permission::ViewTeam
#[server(endpoint = "team/list")]
pub async fn list_team(organisation_id: OrganisationId) -> Result<Vec<TeamMember>, AppError> {
    use crate::domain::Permission;
    use crate::server::actor::authenticate;
    use crate::server::db::memberships;
    use crate::server::request::serve;
    serve(|scope| async move {
        let actor = authenticate(&scope).await?;
        actor.require_organisation(organisation_id)?;
        actor.require(Permission::ViewTeam)?;
        Ok(
            memberships::list_team(&scope.state.pool, organisation_id, actor.account_id, None)
                .await?,
        )
    })
    .await
}
