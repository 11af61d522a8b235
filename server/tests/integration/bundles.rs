//! The invitee bundle hydrates pages that `App` rendered: both must route
//! the same invitee paths, and the shell must send that bundle for exactly
//! those paths (`AssetNames::bundle_for`, which reads `INVITEE_PATHS`).

use app::ui::{App, InviteeApp, INVITEE_PATHS};
use leptos_axum::generate_route_list;
use std::collections::BTreeSet;

fn paths(routes: Vec<leptos_axum::AxumRouteListing>) -> BTreeSet<String> {
    routes.iter().map(|r| r.path().to_string()).collect()
}

#[test]
fn the_invitee_app_routes_exactly_the_invitee_paths_and_the_app_routes_them_too() {
    let invitee = paths(generate_route_list(InviteeApp));
    let expected: BTreeSet<String> = INVITEE_PATHS.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        invitee, expected,
        "InviteeApp's routes and INVITEE_PATHS differ"
    );
    let app = paths(generate_route_list(App));
    assert!(
        expected.is_subset(&app),
        "App lacks an invitee path: {:?}",
        expected.difference(&app).collect::<Vec<_>>()
    );
    assert!(app.contains("/team"), "App routes the admin pages");
}
