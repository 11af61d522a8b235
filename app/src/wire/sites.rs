//! The sites page, and a member's site memberships on their page.

use super::moment::Moment;
use super::Choice;
use crate::domain::{RoleId, SiteId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitesPage {
    /// Live ones by name, then archived ones.
    pub sites: Vec<SiteView>,
    /// The time zones a site may be in, for the editor's picker.
    pub time_zones: Vec<String>,
    /// The organisation's own: a new site's first choice.
    pub default_time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteView {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub time_zone: String,
    /// When it was archived: it left the pickers, and stays on people.
    pub archived_at: Option<Moment>,
    /// People who belong to it.
    pub members: i64,
}

/// A site a member belongs to, with their site role there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberSiteView {
    pub site_id: SiteId,
    pub site: String,
    pub archived: bool,
    pub role_id: RoleId,
    pub role: String,
    /// The viewer may change their role here or take them off the site.
    pub changeable: bool,
}

/// A member's role assignments beyond their organisation role: each site
/// with its site role, and what the viewer could add.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberSites {
    pub sites: Vec<MemberSiteView>,
    /// Live sites they don't belong to yet (none when the viewer may not
    /// change their sites).
    pub addable: Vec<Choice<SiteId>>,
    /// The roles the viewer may give them at a site.
    pub roles: Vec<Choice<RoleId>>,
}
