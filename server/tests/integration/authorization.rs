//! Every server function, called by people who must not get through: the
//! signed-out, a Member of the organisation, and an Owner of another
//! organisation aiming at this one's data. The table below must name every
//! registered server function, so a new one without a row (and without its
//! checks) fails this test.

use crate::harness::{TestApp, TestOrganisation};
use crate::invitations::{invite, role_id, Invite};
use crate::members::membership_of;
use app::wire::invitations::InviteOutcome;
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// Ids and values from the target organisation ("A") that calls aim at.
struct Target {
    org: TestOrganisation,
    member_membership: String,
    admin_membership: String,
    invitation: String,
    member_role: String,
    admin_role: String,
    product_permission: String,
    department: String,
    /// A group granting nothing, with the member in it.
    group: String,
    /// A site the member belongs to, as a Member.
    site: String,
}

enum Access {
    /// Answers anyone; the reason says why that is safe.
    Public(&'static str),
    /// Needs a session with a permission in the right organisation.
    Protected(fn(&Target) -> Vec<(&'static str, String)>),
    /// Needs a session, any member's, and acts only on the caller's own
    /// account: it takes no id. The reason says so.
    OwnAccount(&'static str),
}

fn table() -> Vec<(&'static str, Access)> {
    use Access::*;
    vec![
        (
            "session",
            Public("tells the caller about their own session only"),
        ),
        (
            "home",
            Public("the caller's own session and organisation only; None when signed out"),
        ),
        ("sign_in", Public("the way in; rate-limited and audited")),
        ("sign_out", Public("ends the caller's own session only")),
        (
            "sign_in/code",
            Public("the pending sign-in's cookie and a code are the credentials; rate-limited"),
        ),
        (
            "sign_in/recovery_code",
            Public("the pending sign-in's cookie and a recovery code are the credentials; rate-limited"),
        ),
        (
            "invitation/view",
            Public("the link's token is the credential"),
        ),
        (
            "invitation/accept_new",
            Public("the link's token is the credential"),
        ),
        (
            "invitation/accept_existing",
            Public("the token and the account's password are the credentials"),
        ),
        (
            "invitation/sign_out",
            Public("ends the caller's own session only, then shows the link again"),
        ),
        (
            "invitation/password_hint",
            Public("answers only for a live invitation token"),
        ),
        (
            "password_reset/request",
            Public("anyone may ask; the answer is the same for every email, and limited per address and account"),
        ),
        (
            "password_reset/view",
            Public("the link's token is the credential"),
        ),
        (
            "password_reset/complete",
            Public("the link's token is the credential"),
        ),
        (
            "password_reset/password_hint",
            Public("answers only for a live reset token"),
        ),
        (
            "email_verification/view",
            Public("the link's token is the credential; it shows only the address it was sent to"),
        ),
        (
            "email_verification/confirm",
            OwnAccount("verifies only the caller's own address, with a token sent to it"),
        ),
        ("profile", OwnAccount("reads the caller's own profile")),
        ("profile/save", OwnAccount("edits the caller's own profile")),
        (
            "profile/change_password",
            OwnAccount("the caller's own password, given the current one"),
        ),
        (
            "profile/password_hint",
            OwnAccount("rates a password against the caller's own details"),
        ),
        (
            "profile/remove_avatar",
            OwnAccount("removes the caller's own picture"),
        ),
        ("two_factor", OwnAccount("reads the caller's own second factor")),
        (
            "two_factor/start",
            OwnAccount("a new authenticator for the caller's own account, given the password"),
        ),
        (
            "two_factor/confirm",
            OwnAccount("confirms the caller's own setup with a code"),
        ),
        (
            "step_up",
            OwnAccount("confirms the caller's own session, given their password (and a factor)"),
        ),
        (
            "step_up/check",
            OwnAccount("says whether the caller's own session was confirmed recently"),
        ),
        (
            "organisation/switch",
            OwnAccount("moves the caller's own session to another organisation of their own account; any other is not found"),
        ),
        (
            "two_factor/remove",
            OwnAccount("the caller's own factor, given the password and a factor"),
        ),
        (
            "two_factor/recovery_codes",
            OwnAccount("the caller's own codes, given the password and a factor"),
        ),
        (
            "team/list",
            Protected(|t| {
                vec![
                    ("organisation_id", t.org.organisation_id.to_string()),
                    ("query[tab]", "Invitations".into()),
                ]
            }),
        ),
        ("team/filters", Protected(|_| vec![])),
        ("roles/list", Protected(|_| vec![])),
        (
            "roles/create",
            Protected(|_| vec![("name", "Supervisor".into())]),
        ),
        (
            "roles/update",
            Protected(|t| {
                vec![
                    ("role_id", t.member_role.clone()),
                    ("version", "1".into()),
                    ("name", "Staff".into()),
                ]
            }),
        ),
        (
            "roles/delete",
            Protected(|t| {
                vec![
                    ("role_id", t.member_role.clone()),
                    ("move_to", t.admin_role.clone()),
                ]
            }),
        ),
        ("departments/list", Protected(|_| vec![])),
        (
            "departments/create",
            Protected(|_| vec![("name", "Night desk".into())]),
        ),
        (
            "departments/rename",
            Protected(|t| {
                vec![
                    ("department_id", t.department.clone()),
                    ("name", "Taken over".into()),
                ]
            }),
        ),
        (
            "departments/archive",
            Protected(|t| vec![("department_id", t.department.clone())]),
        ),
        (
            "departments/restore",
            Protected(|t| vec![("department_id", t.department.clone())]),
        ),
        ("sites/list", Protected(|_| vec![])),
        (
            "sites/create",
            Protected(|_| {
                vec![
                    ("name", "Lyon".into()),
                    ("time_zone", "Europe/Paris".into()),
                ]
            }),
        ),
        (
            "sites/update",
            Protected(|t| {
                vec![
                    ("site_id", t.site.clone()),
                    ("name", "Taken over".into()),
                    ("time_zone", "UTC".into()),
                ]
            }),
        ),
        (
            "sites/archive",
            Protected(|t| vec![("site_id", t.site.clone())]),
        ),
        (
            "sites/restore",
            Protected(|t| vec![("site_id", t.site.clone())]),
        ),
        (
            "members/set_site",
            Protected(|t| {
                vec![
                    ("membership_id", t.admin_membership.clone()),
                    ("site_id", t.site.clone()),
                    ("role_id", t.member_role.clone()),
                ]
            }),
        ),
        (
            "members/remove_site",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("site_id", t.site.clone()),
                ]
            }),
        ),
        ("groups/list", Protected(|_| vec![])),
        (
            "groups/create",
            Protected(|_| vec![("name", "Night shift".into())]),
        ),
        (
            "groups/update",
            Protected(|t| {
                vec![
                    ("group_id", t.group.clone()),
                    ("version", "1".into()),
                    ("name", "Taken over".into()),
                    ("permissions[0]", "team.view".into()),
                ]
            }),
        ),
        (
            "groups/delete",
            Protected(|t| vec![("group_id", t.group.clone())]),
        ),
        (
            "groups/show",
            Protected(|t| vec![("group_id", t.group.clone())]),
        ),
        (
            "groups/candidates",
            Protected(|t| vec![("group_id", t.group.clone()), ("search", "a".into())]),
        ),
        (
            "groups/add_members",
            Protected(|t| {
                vec![
                    ("group_id", t.group.clone()),
                    ("members[0]", t.admin_membership.clone()),
                ]
            }),
        ),
        (
            "groups/remove_member",
            Protected(|t| {
                vec![
                    ("group_id", t.group.clone()),
                    ("member_id", t.member_membership.clone()),
                ]
            }),
        ),
        ("permissions/list", Protected(|_| vec![])),
        (
            "permissions/create",
            Protected(|_| {
                vec![
                    ("key", "reports.export".into()),
                    ("name", "Export reports".into()),
                ]
            }),
        ),
        (
            "permissions/update",
            Protected(|t| {
                vec![
                    ("permission_id", t.product_permission.clone()),
                    ("version", "1".into()),
                    ("name", "Taken over".into()),
                ]
            }),
        ),
        (
            "permissions/usage",
            Protected(|t| vec![("permission_id", t.product_permission.clone())]),
        ),
        (
            "permissions/retire",
            Protected(|t| vec![("permission_id", t.product_permission.clone())]),
        ),
        (
            "audit/list",
            Protected(|t| vec![("organisation_id", t.org.organisation_id.to_string())]),
        ),
        ("audit/filters", Protected(|_| vec![])),
        ("invitations/options", Protected(|_| vec![])),
        (
            "invitations/create",
            Protected(|t| {
                vec![
                    ("email", "new-person@example.com".into()),
                    ("name", "New Person".into()),
                    ("role_id", t.member_role.clone()),
                    ("department_id", String::new()),
                    ("expiry_hours", String::new()),
                    ("groups[0]", t.group.clone()),
                    ("sites[0]", format!("{}:{}", t.site, t.member_role)),
                ]
            }),
        ),
        (
            "invitations/resend",
            Protected(|t| vec![("invitation_id", t.invitation.clone())]),
        ),
        (
            "invitations/new_link",
            Protected(|t| vec![("invitation_id", t.invitation.clone())]),
        ),
        (
            "invitations/revoke",
            Protected(|t| vec![("invitation_id", t.invitation.clone())]),
        ),
        (
            "invitations/delivery",
            Protected(|t| vec![("invitation_id", t.invitation.clone())]),
        ),
        (
            "invitations/update",
            Protected(|t| {
                vec![
                    ("invitation_id", t.invitation.clone()),
                    ("role_id", t.member_role.clone()),
                    ("department_id", String::new()),
                    ("groups[0]", t.group.clone()),
                    ("sites[0]", format!("{}:{}", t.site, t.member_role)),
                ]
            }),
        ),
        ("organisation/settings", Protected(|_| vec![])),
        (
            "organisation/two_factor_policy",
            Protected(|_| {
                vec![
                    ("two_factor_policy", "everyone".into()),
                    ("two_factor_grace_days", "7".into()),
                ]
            }),
        ),
        (
            "organisation/save_settings",
            Protected(|_| {
                vec![
                    ("name", "Taken Over".into()),
                    ("time_zone", "UTC".into()),
                    ("invitation_expiry_hours", "48".into()),
                ]
            }),
        ),
        (
            "members/detail",
            Protected(|t| vec![("membership_id", t.member_membership.clone())]),
        ),
        (
            "members/disable",
            Protected(|t| vec![("membership_id", t.member_membership.clone())]),
        ),
        (
            "members/enable",
            Protected(|t| vec![("membership_id", t.member_membership.clone())]),
        ),
        (
            "members/delete",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("confirm_email", t.org.member_email.clone()),
                ]
            }),
        ),
        (
            "members/change_role",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("role_id", t.admin_role.clone()),
                ]
            }),
        ),
        (
            "members/send_password_reset",
            Protected(|t| vec![("membership_id", t.member_membership.clone())]),
        ),
        (
            "members/reset_two_factor",
            Protected(|t| vec![("membership_id", t.member_membership.clone())]),
        ),
        (
            "members/change_position",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("position", "Taken over".into()),
                ]
            }),
        ),
        (
            "members/grant_permission",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("permission", "team.view".into()),
                ]
            }),
        ),
        (
            "members/revoke_permission",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("permission", "team.view".into()),
                ]
            }),
        ),
        (
            "members/add_department",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("department_id", t.department.clone()),
                ]
            }),
        ),
        (
            "members/remove_department",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("department_id", t.department.clone()),
                ]
            }),
        ),
        (
            "members/change_department",
            Protected(|t| {
                vec![
                    ("membership_id", t.member_membership.clone()),
                    ("department_id", String::new()),
                ]
            }),
        ),
    ]
}

#[test]
fn every_server_function_is_in_the_table() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let listed: BTreeSet<String> = table().into_iter().map(|(e, _)| e.to_string()).collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "server functions with no row in the authorization table: {missing:?}"
    );
    for (endpoint, access) in table() {
        if let Access::Public(reason) | Access::OwnAccount(reason) = access {
            assert!(
                !reason.is_empty(),
                "{endpoint}: say why it needs no permission"
            );
        }
    }
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(stale.is_empty(), "rows for no server function: {stale:?}");
}

/// What the target organisation looks like to the database: anything a
/// refused call changed would show here.
async fn fingerprint(app: &TestApp, t: &Target) -> String {
    sqlx::query_scalar(
        "SELECT concat_ws('|',
            (SELECT name || invitation_expiry_hours || two_factor_policy || two_factor_grace_days
               FROM organisations WHERE id = $1),
            (SELECT string_agg(m.status || m.role_id || coalesce(m.department_id::text, '') || coalesce(m.position, ''), ',' ORDER BY m.id)
               FROM memberships m WHERE m.organisation_id = $1),
            (SELECT string_agg(encode(i.token_hash, 'hex') || coalesce(i.revoked_at::text, '') || i.role_id
                               || coalesce((SELECT string_agg(ig.group_id::text, ' ' ORDER BY ig.group_id)
                                            FROM invitation_groups ig WHERE ig.invitation_id = i.id), '')
                               || coalesce((SELECT string_agg(isr.site_id::text || isr.role_id, ' ' ORDER BY isr.site_id)
                                            FROM invitation_sites isr WHERE isr.invitation_id = i.id), ''),
                               ',' ORDER BY i.id)
               FROM invitations i WHERE i.organisation_id = $1),
            (SELECT count(*) FROM sessions s WHERE s.organisation_id = $1 AND s.revoked_at IS NOT NULL),
            (SELECT count(*) FROM password_resets r JOIN memberships m ON m.account_id = r.account_id
               WHERE m.organisation_id = $1),
            (SELECT string_agg(r.name || r.version || array_to_string(r.permissions, ' '), ',' ORDER BY r.id)
               FROM roles r WHERE r.organisation_id = $1),
            (SELECT string_agg(g.membership_id || g.permission, ',' ORDER BY g.membership_id, g.permission)
               FROM member_permissions g JOIN memberships m ON m.id = g.membership_id
               WHERE m.organisation_id = $1),
            (SELECT string_agg(d.name || coalesce(d.archived_at::text, ''), ',' ORDER BY d.id)
               FROM departments d WHERE d.organisation_id = $1),
            (SELECT string_agg(md.membership_id::text || md.department_id, ',' ORDER BY md.membership_id, md.department_id)
               FROM member_departments md JOIN memberships m ON m.id = md.membership_id
               WHERE m.organisation_id = $1),
            (SELECT string_agg(p.key || p.name || p.version || coalesce(p.retired_at::text, ''), ',' ORDER BY p.key)
               FROM product_permissions p WHERE p.organisation_id = $1),
            (SELECT string_agg(g.name || g.version || array_to_string(g.permissions, ' ')
                               || coalesce(g.role_id::text, '')
                               || coalesce((SELECT string_agg(gm.membership_id::text, ' ' ORDER BY gm.membership_id)
                                            FROM group_members gm WHERE gm.group_id = g.id), ''),
                               ',' ORDER BY g.id)
               FROM groups g WHERE g.organisation_id = $1),
            (SELECT string_agg(s.name || s.address || s.time_zone || coalesce(s.archived_at::text, '')
                               || coalesce((SELECT string_agg(sm.membership_id::text || sm.role_id, ' '
                                                              ORDER BY sm.membership_id)
                                            FROM site_members sm WHERE sm.site_id = s.id), ''),
                               ',' ORDER BY s.id)
               FROM sites s WHERE s.organisation_id = $1))",
    )
    .bind(t.org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// An organisation to aim at, with an open invitation.
async fn target(app: &TestApp) -> Target {
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member_role = role_id(app, &org, "member").await;
    let invitation = match invite(
        app,
        &admin,
        Invite::member("target@example.com", &member_role),
    )
    .await
    .json::<InviteOutcome>()
    {
        InviteOutcome::Created(link) => link.invitation_id.to_string(),
        other => panic!("{other:?}"),
    };
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let product_permission =
        crate::product_permissions::create(app, &owner, "reports.view", "View reports", false)
            .await
            .json::<app::domain::ProductPermissionId>()
            .to_string();
    let member_membership = membership_of(app, &org, &org.member_email).await;
    let group = crate::groups::create(app, &owner, "Night shift", &[]).await;
    crate::groups::add(app, &owner, &group, &[&member_membership]).await;
    let site = crate::sites::create(app, &owner, "Berlin").await;
    crate::sites::place(app, &owner, &member_membership, &site, &member_role).await;
    Target {
        site,
        admin_membership: membership_of(app, &org, &org.admin_email).await,
        member_membership,
        group,
        product_permission,
        department: crate::invitations::department_id(app, &org, "Technical").await,
        invitation,
        member_role,
        admin_role: role_id(app, &org, "admin").await,
        org,
    }
}

/// Every field the functions that act on the caller's own account take;
/// each reads only its own.
const OWN_ACCOUNT_FORM: [(&str, &str); 10] = [
    ("organisation_id", "00000000-0000-4000-8000-000000000000"),
    ("name", "Eve"),
    ("position", ""),
    ("phone", ""),
    ("time_zone", "UTC"),
    ("current_password", "x"),
    ("password", "x"),
    ("password_confirm", "x"),
    ("token", "x"),
    ("code", "x"),
];

#[tokio::test]
async fn every_server_function_refuses_outsiders_and_members() {
    let app = TestApp::spawn().await;
    let target = target(&app).await;
    let outsiders = app.organisation().await;
    let member = app
        .sign_in(&target.org.member_email, &target.org.password)
        .await;
    let other_owner = app
        .sign_in(&outsiders.owner_email, &outsiders.password)
        .await;
    let secrets = [
        target.org.name.as_str(),
        target.org.member_email.as_str(),
        target.org.admin_email.as_str(),
        "target@example.com",
    ];
    let before = fingerprint(&app, &target).await;

    let mut checked = 0;
    for (endpoint, access) in table() {
        let args = match access {
            Access::Protected(args) => args(&target),
            Access::Public(_) => continue,
            // No permission to check, no id to aim elsewhere: only a
            // session is needed (what each does to its caller is in
            // profile.rs).
            Access::OwnAccount(_) => {
                let anonymous = app.call(endpoint, &OWN_ACCOUNT_FORM, None).await;
                assert_eq!(
                    anonymous.status,
                    StatusCode::UNAUTHORIZED,
                    "{endpoint} signed out"
                );
                continue;
            }
        };
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();

        let anonymous = app.call(endpoint, &form, None).await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint} signed out: {}",
            anonymous.body
        );

        let as_member = app.call(endpoint, &form, Some(&member)).await;
        assert_eq!(
            as_member.status,
            StatusCode::FORBIDDEN,
            "{endpoint} as a Member: {}",
            as_member.body
        );

        // An Owner elsewhere is either refused, or (for functions that take
        // no id and act on the caller's own organisation) gets only their
        // own organisation's data.
        let outsider = app.call(endpoint, &form, Some(&other_owner)).await;
        if outsider.status.is_success() {
            for secret in secrets {
                assert!(
                    !outsider.body.contains(secret),
                    "{endpoint} showed another organisation's {secret:?}"
                );
            }
        } else {
            // Another organisation's role, department or group is not
            // one the caller can choose: refused beside its field, as
            // unknown.
            let foreign_choice = outsider.status == StatusCode::UNPROCESSABLE_ENTITY
                && ["role", "department", "groups", "site"]
                    .iter()
                    .any(|field| outsider.error().for_field(field).is_some());
            assert!(
                foreign_choice
                    || [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&outsider.status),
                "{endpoint} as another organisation's owner: {} {}",
                outsider.status,
                outsider.body
            );
        }
        checked += 1;
    }
    assert!(checked >= 15, "the table lost its protected rows");
    assert_eq!(
        fingerprint(&app, &target).await,
        before,
        "a refused call changed the organisation"
    );
}

/// What someone whom the organisation's two-factor policy shuts out (past
/// their grace, with no factor) may still use: the session's own facts,
/// their profile and the factor setup. Signing out needs no session.
const BEFORE_FACTOR_SETUP: [&str; 11] = [
    "session",
    // Away, to an organisation whose policy they may meet.
    "organisation/switch",
    "profile",
    "profile/save",
    "profile/change_password",
    "profile/password_hint",
    "profile/remove_avatar",
    "email_verification/confirm",
    "two_factor",
    "two_factor/start",
    "two_factor/confirm",
];

#[tokio::test]
async fn past_the_grace_only_the_factor_setup_and_the_profile_answer() {
    use crate::two_factor::set_up;
    use app::wire::AppError;
    let app = TestApp::spawn().await;
    let target = target(&app).await;
    let org = &target.org;
    let mut owner = app.sign_in(&org.owner_email, &org.password).await;
    set_up(&app, &mut owner, &org.password).await;
    let policy = [
        ("two_factor_policy", "everyone"),
        ("two_factor_grace_days", "0"),
    ];
    let saved = app
        .call("organisation/two_factor_policy", &policy, Some(&owner))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // The admin has no factor, and no grace: shut out at once.
    let admin = app.sign_in(&org.admin_email, &org.password).await;

    let mut shut = 0;
    for (endpoint, access) in table() {
        let args = match access {
            Access::Protected(args) => args(&target),
            Access::OwnAccount(_) => OWN_ACCOUNT_FORM
                .iter()
                .map(|(k, v)| (*k, v.to_string()))
                .collect(),
            // The home is the one page of the public ones that reads the
            // session for more than its own facts.
            Access::Public(_) if endpoint == "home" => vec![],
            Access::Public(_) => continue,
        };
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = app.call(endpoint, &form, Some(&admin)).await;
        let refused = answer.status == StatusCode::FORBIDDEN
            && answer.error() == AppError::TwoFactorSetupRequired;
        if BEFORE_FACTOR_SETUP.contains(&endpoint) {
            assert!(!refused, "{endpoint} must answer before the setup");
        } else {
            assert!(refused, "{endpoint}: {} {}", answer.status, answer.body);
            shut += 1;
        }
    }
    assert!(shut >= 25, "the table lost its rows");
    let signed_out = app.call("sign_out", &[], Some(&admin)).await;
    assert!(signed_out.status.is_success() || signed_out.status.is_redirection());
}

/// `args` with the ids of the target's Lyon member and of its invitation
/// (which names no site) swapped for ids nobody has.
fn aimed_at_nobody(t: &Target, args: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let nobody = uuid::Uuid::new_v4().to_string();
    args.iter()
        .map(|(k, v)| {
            let v = if *v == t.member_membership || *v == t.invitation {
                nobody.clone()
            } else {
                v.clone()
            };
            (*k, v)
        })
        .collect()
}

#[tokio::test]
async fn a_site_manager_finds_nobody_outside_their_sites() {
    use app::domain::Refusal;
    let app = TestApp::spawn().await;
    let t = target(&app).await;
    let owner = app.sign_in(&t.org.owner_email, &t.org.password).await;
    // The member moves to Lyon; Sam manages Berlin's people, where Adam,
    // an admin across the organisation, also works.
    let lyon = crate::sites::create(&app, &owner, "Lyon").await;
    crate::sites::place(&app, &owner, &t.member_membership, &lyon, &t.member_role).await;
    let off_berlin = app
        .call(
            "members/remove_site",
            &[
                ("membership_id", t.member_membership.as_str()),
                ("site_id", t.site.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(off_berlin.status, StatusCode::OK, "{}", off_berlin.body);
    let site_manager = crate::delegated::site_manager_role(&app, &t.org, &owner).await;
    let technician = crate::roles::create(&app, &owner, "Technician", &[]).await;
    assert_eq!(technician.status, StatusCode::OK, "{}", technician.body);
    let technician = role_id(&app, &t.org, "technician").await;
    let (sam, sam_email) = crate::delegated::person(&app, &t.org, "Sam Supervisor").await;
    crate::sites::place(&app, &owner, &sam, &t.site, &site_manager).await;
    crate::sites::place(&app, &owner, &t.admin_membership, &t.site, &technician).await;
    let sam = app.sign_in(&sam_email, &t.org.password).await;
    let secrets = [t.org.member_email.as_str(), "target@example.com"];
    let before = fingerprint(&app, &t).await;

    let mut checked = 0;
    for (endpoint, access) in table() {
        let Access::Protected(args) = access else {
            continue;
        };
        let args = args(&t);
        let call = |args: Vec<(&'static str, String)>| {
            let (app, sam) = (&app, sam.clone());
            async move {
                let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.call(endpoint, &form, Some(&sam)).await
            }
        };
        let answer = call(args.clone()).await;
        if ["team/list", "team/filters", "invitations/options"].contains(&endpoint) {
            // His own view: Berlin's, without the Lyon member or the
            // invitation to no site.
            assert_eq!(answer.status, StatusCode::OK, "{endpoint}: {}", answer.body);
            for secret in secrets {
                assert!(
                    !answer.body.contains(secret),
                    "{endpoint} showed {secret:?}"
                );
            }
        } else if args.iter().any(|(_, v)| *v == t.admin_membership) {
            // Adam is at Berlin, and outranks him.
            assert!(
                answer.status == StatusCode::FORBIDDEN || answer.refusal() == Refusal::Outranked,
                "{endpoint} on Adam: {} {}",
                answer.status,
                answer.body
            );
        } else {
            // The Lyon member, the invitation and another organisation's
            // data are as unknown as ids nobody has.
            assert!(!answer.status.is_success(), "{endpoint}: {}", answer.body);
            let nobody = call(aimed_at_nobody(&t, &args)).await;
            assert_eq!(
                (answer.status, &answer.body),
                (nobody.status, &nobody.body),
                "{endpoint}: the Lyon member is told apart from nobody"
            );
        }
        // Aimed at Adam instead of the Lyon member, what acts on a person
        // meets his outranking.
        if endpoint.starts_with("members/")
            && endpoint != "members/detail"
            && args.iter().any(|(_, v)| *v == t.member_membership)
        {
            let at_adam: Vec<(&'static str, String)> = args
                .iter()
                .map(|(k, v)| {
                    let v = if *v == t.member_membership {
                        t.admin_membership.clone()
                    } else {
                        v.clone()
                    };
                    (*k, v)
                })
                .collect();
            let answer = call(at_adam).await;
            assert_eq!(
                answer.refusal(),
                Refusal::Outranked,
                "{endpoint} on Adam: {}",
                answer.body
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 40,
        "the table lost its protected rows: {checked}"
    );
    assert_eq!(
        fingerprint(&app, &t).await,
        before,
        "a refused call changed the organisation"
    );
}

/// The target, with what the step-up column's calls aim at beside it.
struct SteppedTarget {
    t: Target,
    /// An open invitation into the Admin role: sensitive to hand out.
    admin_invitation: String,
    /// A group granting "See the team", which the admin is not in.
    granting_group: String,
    /// An archived site.
    archived_site: String,
    /// A disabled member.
    disabled_membership: String,
}

enum StepUp {
    /// Asks for a proof within the last 15 minutes: a call that meets the
    /// guard (every other check passes).
    Guarded(fn(&SteppedTarget) -> Vec<(&'static str, String)>),
    /// Needs no proof: the reason says why.
    Unguarded(&'static str),
}

/// The step-up column: every protected server function, guarded or not.
/// Guarded are those that grant a sensitive permission (owning included),
/// change who may sign in, or hand out a link that signs someone in.
fn step_up_table() -> Vec<(&'static str, StepUp)> {
    use StepUp::*;
    let reads = "reads only";
    vec![
        ("team/list", Unguarded(reads)),
        ("team/filters", Unguarded(reads)),
        ("roles/list", Unguarded(reads)),
        (
            "roles/create",
            Unguarded("a new role is held by nobody; giving it to someone is guarded"),
        ),
        (
            "roles/update",
            Guarded(|s| {
                vec![
                    ("role_id", s.t.member_role.clone()),
                    ("version", "1".into()),
                    ("name", "Staff".into()),
                    ("permissions[0]", "members.invite".into()),
                ]
            }),
        ),
        (
            "roles/delete",
            Guarded(|s| {
                vec![
                    ("role_id", s.t.member_role.clone()),
                    ("move_to", s.t.admin_role.clone()),
                ]
            }),
        ),
        ("departments/list", Unguarded(reads)),
        ("departments/create", Unguarded("departments grant nothing")),
        ("departments/rename", Unguarded("departments grant nothing")),
        (
            "departments/archive",
            Unguarded("departments grant nothing"),
        ),
        (
            "departments/restore",
            Unguarded("departments grant nothing"),
        ),
        ("sites/list", Unguarded(reads)),
        ("sites/create", Unguarded("a new site has nobody on it")),
        (
            "sites/update",
            Unguarded("its name, address and time zone grant nothing"),
        ),
        (
            "sites/archive",
            Guarded(|s| vec![("site_id", s.t.site.clone())]),
        ),
        (
            "sites/restore",
            Guarded(|s| vec![("site_id", s.archived_site.clone())]),
        ),
        (
            "members/set_site",
            Guarded(|s| {
                vec![
                    ("membership_id", s.t.member_membership.clone()),
                    ("site_id", s.t.site.clone()),
                    ("role_id", s.t.admin_role.clone()),
                ]
            }),
        ),
        (
            "members/remove_site",
            Guarded(|s| {
                vec![
                    ("membership_id", s.t.admin_membership.clone()),
                    ("site_id", s.t.site.clone()),
                ]
            }),
        ),
        ("groups/list", Unguarded(reads)),
        ("groups/create", Unguarded("a new group has nobody in it")),
        (
            "groups/update",
            Guarded(|s| {
                vec![
                    ("group_id", s.t.group.clone()),
                    ("version", "1".into()),
                    ("name", "Night shift".into()),
                    ("permissions[0]", "team.view".into()),
                ]
            }),
        ),
        (
            "groups/delete",
            Guarded(|s| vec![("group_id", s.granting_group.clone())]),
        ),
        ("groups/show", Unguarded(reads)),
        ("groups/candidates", Unguarded(reads)),
        (
            "groups/add_members",
            Guarded(|s| {
                vec![
                    ("group_id", s.granting_group.clone()),
                    ("members[0]", s.t.member_membership.clone()),
                ]
            }),
        ),
        (
            "groups/remove_member",
            Unguarded("taking a group's grants away gives nobody anything"),
        ),
        ("permissions/list", Unguarded(reads)),
        (
            "permissions/create",
            Unguarded("a new permission is held by nobody"),
        ),
        (
            "permissions/update",
            Guarded(|s| {
                vec![
                    ("permission_id", s.t.product_permission.clone()),
                    ("version", "1".into()),
                    ("name", "View reports".into()),
                    ("description", "What the product lets them do.".into()),
                    ("sensitive", "true".into()),
                ]
            }),
        ),
        ("permissions/usage", Unguarded(reads)),
        (
            "permissions/retire",
            Guarded(|s| vec![("permission_id", s.t.product_permission.clone())]),
        ),
        ("audit/list", Unguarded(reads)),
        ("audit/filters", Unguarded(reads)),
        ("invitations/options", Unguarded(reads)),
        (
            "invitations/create",
            Guarded(|s| {
                vec![
                    ("email", "new-owner@example.com".into()),
                    ("name", "New Owner".into()),
                    ("role_id", s.t.admin_role.clone()),
                    ("department_id", String::new()),
                    ("expiry_hours", String::new()),
                ]
            }),
        ),
        (
            "invitations/resend",
            Guarded(|s| vec![("invitation_id", s.admin_invitation.clone())]),
        ),
        (
            "invitations/new_link",
            Guarded(|s| vec![("invitation_id", s.admin_invitation.clone())]),
        ),
        (
            "invitations/revoke",
            Unguarded("closing an invitation gives nobody anything"),
        ),
        ("invitations/delivery", Unguarded(reads)),
        (
            "invitations/update",
            Guarded(|s| {
                vec![
                    ("invitation_id", s.t.invitation.clone()),
                    ("role_id", s.t.admin_role.clone()),
                    ("department_id", String::new()),
                ]
            }),
        ),
        ("organisation/settings", Unguarded(reads)),
        (
            "organisation/two_factor_policy",
            Guarded(|_| {
                vec![
                    ("two_factor_policy", "everyone".into()),
                    ("two_factor_grace_days", "7".into()),
                ]
            }),
        ),
        (
            "organisation/save_settings",
            Guarded(|s| {
                vec![
                    ("name", s.t.org.name.clone()),
                    ("time_zone", "UTC".into()),
                    ("invitation_expiry_hours", "48".into()),
                    ("product_url", "https://taken-over.example".into()),
                ]
            }),
        ),
        ("members/detail", Unguarded(reads)),
        (
            "members/disable",
            Guarded(|s| vec![("membership_id", s.t.member_membership.clone())]),
        ),
        (
            "members/enable",
            Guarded(|s| vec![("membership_id", s.disabled_membership.clone())]),
        ),
        (
            "members/delete",
            Guarded(|s| {
                vec![
                    ("membership_id", s.t.member_membership.clone()),
                    ("confirm_email", s.t.org.member_email.clone()),
                ]
            }),
        ),
        (
            "members/change_role",
            Guarded(|s| {
                vec![
                    ("membership_id", s.t.member_membership.clone()),
                    ("role_id", s.t.admin_role.clone()),
                ]
            }),
        ),
        (
            "members/send_password_reset",
            Unguarded("the link goes to the member's own mailbox, never to the caller"),
        ),
        (
            "members/reset_two_factor",
            Guarded(|s| vec![("membership_id", s.t.member_membership.clone())]),
        ),
        (
            "members/change_position",
            Unguarded("a position grants nothing"),
        ),
        (
            "members/grant_permission",
            Guarded(|s| {
                vec![
                    ("membership_id", s.t.member_membership.clone()),
                    ("permission", "members.invite".into()),
                ]
            }),
        ),
        (
            "members/revoke_permission",
            Guarded(|s| {
                vec![
                    ("membership_id", s.t.member_membership.clone()),
                    ("permission", "team.view".into()),
                ]
            }),
        ),
        (
            "members/add_department",
            Unguarded("departments grant nothing"),
        ),
        (
            "members/remove_department",
            Unguarded("departments grant nothing"),
        ),
        (
            "members/change_department",
            Unguarded("departments grant nothing"),
        ),
    ]
}

#[test]
fn every_protected_server_function_has_a_step_up_row() {
    let protected: BTreeSet<&str> = table()
        .into_iter()
        .filter(|(_, access)| matches!(access, Access::Protected(_)))
        .map(|(endpoint, _)| endpoint)
        .collect();
    let listed: BTreeSet<&str> = step_up_table().into_iter().map(|(e, _)| e).collect();
    let missing: Vec<_> = protected.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "protected server functions with no step-up row: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&protected).collect();
    assert!(
        stale.is_empty(),
        "step-up rows for no protected function: {stale:?}"
    );
    for (endpoint, step_up) in step_up_table() {
        if let StepUp::Unguarded(reason) = step_up {
            assert!(!reason.is_empty(), "{endpoint}: say why it needs no proof");
        }
    }
}

#[tokio::test]
async fn every_guarded_server_function_asks_an_owner_for_a_recent_proof() {
    use app::server::clock::Clock;
    use app::wire::AppError;
    let app = TestApp::spawn_with_clock(Clock::fixed(crate::two_factor::start_time())).await;
    let t = target(&app).await;
    let owner = app.sign_in(&t.org.owner_email, &t.org.password).await;
    let admin_invitation = match invite(
        &app,
        &owner,
        Invite::member("future-admin@example.com", &t.admin_role),
    )
    .await
    .json::<InviteOutcome>()
    {
        InviteOutcome::Created(link) => link.invitation_id.to_string(),
        other => panic!("{other:?}"),
    };
    let granting_group = crate::groups::create(&app, &owner, "Leads", &["team.view"]).await;
    let archived_site = crate::sites::create(&app, &owner, "Old depot").await;
    let archived = app
        .call(
            "sites/archive",
            &[("site_id", &archived_site)],
            Some(&owner),
        )
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    crate::sites::place(&app, &owner, &t.admin_membership, &t.site, &t.admin_role).await;
    // A factor for the member, for an admin to reset.
    let mut member = app.sign_in(&t.org.member_email, &t.org.password).await;
    crate::two_factor::set_up(&app, &mut member, &t.org.password).await;
    let (disabled_membership, _) = crate::delegated::person(&app, &t.org, "Dora Disabled").await;
    let disabled = app
        .call(
            "members/disable",
            &[("membership_id", &disabled_membership)],
            Some(&owner),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    let s = SteppedTarget {
        t,
        disabled_membership,
        admin_invitation,
        granting_group,
        archived_site,
    };
    let before = fingerprint(&app, &s.t).await;
    let invitations_before: i64 = sqlx::query_scalar("SELECT count(*) FROM invitations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let outbox_before: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox_emails")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // The owner's sign-in is now 16 minutes old.
    app.clock.advance(chrono::Duration::minutes(16));
    let mut guarded = 0;
    for (endpoint, step_up) in step_up_table() {
        let StepUp::Guarded(args) = step_up else {
            continue;
        };
        let args = args(&s);
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = app.call(endpoint, &form, Some(&owner)).await;
        assert!(
            answer.status == StatusCode::FORBIDDEN
                && matches!(answer.error(), AppError::StepUpRequired { .. }),
            "{endpoint} with a stale session: {} {}",
            answer.status,
            answer.body
        );
        assert!(
            !answer.body.contains("/invite?token="),
            "{endpoint} handed out a link"
        );
        guarded += 1;
    }
    assert!(guarded >= 24, "the step-up column lost its rows: {guarded}");
    assert_eq!(
        fingerprint(&app, &s.t).await,
        before,
        "a call refused for its stale proof changed the organisation"
    );
    let invitations_after: i64 = sqlx::query_scalar("SELECT count(*) FROM invitations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let outbox_after: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox_emails")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        invitations_after, invitations_before,
        "no invitation written"
    );
    assert_eq!(outbox_after, outbox_before, "no email queued");

    // With a fresh proof, the same invitation goes out.
    let stepped = app
        .call(
            "step_up",
            &[("current_password", &s.t.org.password)],
            Some(&owner),
        )
        .await;
    assert_eq!(stepped.status, StatusCode::OK, "{}", stepped.body);
    let created = invite(
        &app,
        &owner,
        Invite::member("new-owner@example.com", &s.t.admin_role),
    )
    .await;
    assert!(
        matches!(created.json::<InviteOutcome>(), InviteOutcome::Created(_)),
        "{}",
        created.body
    );
}

/// Requests a server function's body never sees answer as the client's
/// mistake, never 5xx: for every registered server function (this table's
/// list), with and without a session, an empty body, its fields holding
/// values of the wrong kind, a body over the limit and a JSON body. One
/// that needs a session answers 401 to a request without one before it
/// reads the body.
#[tokio::test]
async fn requests_that_never_reach_a_use_case_answer_as_client_errors() {
    use server::http::client_errors::BODY_LIMIT;
    let app = TestApp::spawn().await;
    let t = target(&app).await;
    let public: BTreeSet<&str> = table()
        .into_iter()
        .filter(|(_, access)| matches!(access, Access::Public(_)))
        .map(|(endpoint, _)| endpoint)
        .collect();
    let listed: BTreeSet<&str> = app::api::PUBLIC_ENDPOINTS.into_iter().collect();
    assert_eq!(public, listed, "the edge's public list is this table's");
    let over_limit = "x=".to_string() + &"y".repeat(BODY_LIMIT);
    let mut session = app.sign_in(&t.org.owner_email, &t.org.password).await;
    let raw = |endpoint: &str, content_type: &'static str, body: String, cookie: Option<String>| {
        let mut request = app
            .client
            .post(app.url(&format!("/api/{endpoint}")))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", content_type)
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("roster_session={cookie}"));
        }
        async move { request.send().await.unwrap().status() }
    };
    for (endpoint, access) in table() {
        let wrong_kinds: Vec<(&str, String)> = match &access {
            Access::Protected(fields) => fields(&t)
                .into_iter()
                .map(|(name, _)| (name, "[not {a} value]".to_string()))
                .collect(),
            _ => vec![("token", "[]".into()), ("email", "{}".into())],
        };
        let needs_session = !matches!(access, Access::Public(_));
        for signed_in in [false, true] {
            // A call may end the session it came with (signing out does):
            // a new one then, and only then (hashing is shared by every
            // test of the run).
            let cookie = if signed_in {
                let alive = app.call("session", &[], Some(&session)).await.body != "null";
                if !alive {
                    session = app.sign_in(&t.org.owner_email, &t.org.password).await;
                }
                Some(session.clone())
            } else {
                None
            };
            let refused_unread = needs_session && !signed_in;
            let empty = app.call(endpoint, &[], cookie.as_deref()).await;
            let wrong: Vec<(&str, &str)> =
                wrong_kinds.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let wrong = app.call(endpoint, &wrong, cookie.as_deref()).await;
            for (what, status) in [
                ("an empty body", empty.status),
                ("wrong kinds", wrong.status),
            ] {
                assert!(
                    !status.is_server_error(),
                    "{endpoint} with {what} (signed in: {signed_in}): {status}"
                );
                if refused_unread {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint} with {what}");
                }
            }
            let big = raw(
                endpoint,
                "application/x-www-form-urlencoded",
                over_limit.clone(),
                cookie.clone(),
            )
            .await;
            let json = raw(endpoint, "application/json", "{}".into(), cookie.clone()).await;
            let (big_expected, json_expected) = if refused_unread {
                (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
            } else {
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                )
            };
            assert_eq!(
                big, big_expected,
                "{endpoint} over the limit (signed in: {signed_in})"
            );
            assert_eq!(
                json, json_expected,
                "{endpoint} as JSON (signed in: {signed_in})"
            );
        }
    }
}

/// A form posted without JavaScript whose fields do not decode comes back
/// to its page with the reason beside the form, vouched for like any
/// other error, instead of a bare 500.
#[tokio::test]
async fn a_form_whose_fields_do_not_decode_comes_back_with_its_reason() {
    let app = TestApp::spawn().await;
    let referer = app.url("/login");
    let post = app
        .call_with(
            "sign_in",
            &[("password", "x")],
            &[("accept", "text/html"), ("referer", &referer)],
        )
        .await;
    assert!(post.status.is_redirection(), "{}", post.status);
    let location = post.location().unwrap().to_string();
    assert!(location.contains("__err="), "{location}");
    let vouching = post
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("roster_form_error="))
        .expect("vouched for");
    let page = app
        .client
        .get(&location)
        .header("cookie", vouching.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains("missing field"), "{body}");

    // An error someone wrote into the address a sign-in goes on to is not
    // vouched for: only one the request itself was answered with is.
    let org = app.organisation().await;
    let planted = "/login?__path=%2Fapi%2Fsign_in&__err=eyJlcnJvciI6Ik5vdEZvdW5kIn0";
    let signed_in = app
        .call_with(
            "sign_in",
            &[
                ("email", org.owner_email.as_str()),
                ("password", org.password.as_str()),
                ("next", planted),
            ],
            &[("accept", "text/html"), ("referer", &referer)],
        )
        .await;
    assert!(signed_in.status.is_redirection(), "{}", signed_in.status);
    assert!(
        !signed_in
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("roster_form_error=")),
        "{:?}",
        signed_in.set_cookies()
    );
}

/// The plain routes, likewise: what a client gets wrong (no session, an
/// empty or JSON body to the picture upload, one over its limit, an id
/// that is not one) is never answered as a fault of ours.
#[tokio::test]
async fn the_plain_routes_answer_a_clients_mistakes_below_500() {
    use app::domain::avatar::MAX_UPLOAD_BYTES;
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    for cookie in [None, Some(owner.as_str())] {
        let with = |request: reqwest::RequestBuilder| match cookie {
            Some(c) => request.header("cookie", format!("roster_session={c}")),
            None => request,
        };
        let uploads = [
            ("multipart/form-data; boundary=x", String::new()),
            ("application/json", "{}".to_string()),
            (
                "multipart/form-data; boundary=x",
                "y".repeat(MAX_UPLOAD_BYTES + 128 * 1024),
            ),
        ];
        for (content_type, body) in uploads {
            let status = with(app.client.post(app.url("/profile/avatar")))
                .header("sec-fetch-site", "same-origin")
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap()
                .status();
            assert!(
                !status.is_server_error(),
                "upload as {content_type}: {status}"
            );
        }
        for path in [
            "/avatars/not-an-id",
            "/avatars/00000000-0000-0000-0000-000000000000",
            "/team/export.csv?status=nonsense&page=-1",
            "/audit/export.csv?from=yesterday",
            "/api/team/events?site=not-an-id",
        ] {
            let status = with(app.client.get(app.url(path)))
                .header("sec-fetch-site", "same-origin")
                .send()
                .await
                .unwrap()
                .status();
            assert!(!status.is_server_error(), "GET {path}: {status}");
        }
    }
}
