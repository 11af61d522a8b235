//! The signed-in person, as every page needs them.

use crate::domain::{OrganisationId, Permission};
use crate::wire::choice::Choice;
use crate::wire::moment::Moment;
use serde::{Deserialize, Serialize};

/// The signed-in person, as the pages need them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    pub name: String,
    pub email: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub role: String,
    pub permissions: Vec<Permission>,
}

/// Who is signed in, as the signed-in pages' gate asks (`ui::page`).
/// Apart from [`SessionUser`] so that the invitee pages' home, which the
/// server redirects itself, does not decode the flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user: SessionUser,
    /// The organisation's two-factor policy shuts them out until they set
    /// up a factor: pages send them to the setup.
    pub must_set_up_factor: bool,
    /// Every organisation where they are enabled, this one included, by
    /// name: the header's switcher when there are several.
    pub organisations: Vec<Choice<OrganisationId>>,
}

/// What a signed-in person's home page shows: who and where they are,
/// their organisation's product, if it set its address, their other
/// organisations, and when their second factor is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Home {
    /// When the organisation's two-factor policy wants their second
    /// factor by, while it does and they have none. A [`Moment`]: the home
    /// is an invitee page, whose bundle holds no date parsing.
    pub two_factor_due: Option<Moment>,
    /// The rest, which the server renders and the browser keeps as it came
    /// (`ui::layout::ServerRendered`): the browser's build never decodes
    /// it, so its types stay out of the phone's download. Always there in
    /// what the server sends.
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub shown: Option<HomeShown>,
}

/// The part of [`Home`] that only the server renders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeShown {
    pub user: SessionUser,
    pub product_url: Option<String>,
    /// Where else they are enabled: the home's switcher.
    pub other_organisations: Vec<Choice<OrganisationId>>,
}

impl SessionUser {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}
