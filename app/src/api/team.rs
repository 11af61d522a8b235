//! The team table: one page of a view (tab, search, filters, sort), the
//! tab counts, and the choices its filters offer.

use crate::domain::team_view::TeamQuery;
use crate::domain::OrganisationId;
use crate::wire::team::{FilterChoices, TeamListing};
use crate::wire::AppError;
use leptos::prelude::*;

/// One page of `organisation_id`'s team table as `query` describes it.
/// Needs [`Permission::ViewTeam`] in that organisation, and
/// [`Permission::InviteMembers`] for the Invitations tab (without it the
/// Active tab leaves invitations out). A Member, or anyone from another
/// organisation, gets [`AppError::Forbidden`], never an empty list.
///
/// [`Permission::ViewTeam`]: crate::domain::Permission::ViewTeam
/// [`Permission::InviteMembers`]: crate::domain::Permission::InviteMembers
#[server(endpoint = "team/list")]
pub async fn list_team(
    organisation_id: OrganisationId,
    #[server(default)] query: TeamQuery,
) -> Result<TeamListing, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::team::list(scope, organisation_id, query)).await
}

/// The choices of the team table's filters. Needs
/// [`Permission::ViewTeam`](crate::domain::Permission::ViewTeam).
#[server(endpoint = "team/filters")]
pub async fn team_filters() -> Result<FilterChoices, AppError> {
    use crate::server::request::serve;
    serve(crate::server::team::filters).await
}
