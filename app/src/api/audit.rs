//! The audit log, for owners: one page of a filtered view, and what its
//! filters offer. Both need
//! [`Permission::ViewAuditLog`](crate::domain::Permission::ViewAuditLog);
//! anyone else gets [`AppError::Forbidden`], never an empty log.

use crate::domain::audit_view::AuditQuery;
use crate::wire::audit::{AuditFilterChoices, AuditListing};
use crate::wire::AppError;
use leptos::prelude::*;

/// One page of `organisation_id`'s audit log as `query` describes it,
/// newest first. Dates are days in the organisation's time zone; a "To"
/// before the "From" is [`AppError::Invalid`] for the field `to`.
#[server(endpoint = "audit/list")]
pub async fn list_audit(
    organisation_id: crate::domain::OrganisationId,
    #[server(default)] query: AuditQuery,
) -> Result<AuditListing, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::audit::list(scope, organisation_id, query)).await
}

#[server(endpoint = "audit/filters")]
pub async fn audit_filters() -> Result<AuditFilterChoices, AppError> {
    use crate::server::request::serve;
    serve(crate::server::audit::filters).await
}
