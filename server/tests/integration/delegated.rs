//! Delegated administration: Sam manages members at Berlin through his
//! site role there, and nothing across the organisation. He sees Berlin's
//! people and no one else (the team table, its counts, search, filters and
//! CSV, member pages), manages them within what he holds at Berlin, invites
//! into Berlin only, and can never leave Berlin without someone to manage
//! its people.

use crate::groups::invite_with;
use crate::harness::{owner_of, team_csv, ApiResponse, TestApp, TestOrganisation};
use crate::invitations::{role_id, token_of};
use crate::member_access::detail;
use crate::members::{disable, membership_of};
use crate::roles::create as create_role;
use crate::sites::{create as create_site, place};
use app::domain::Refusal;
use app::wire::invitations::{InviteOptions, InviteOutcome};
use app::wire::team::{FilterChoices, TeamEntry, TeamListing};
use reqwest::StatusCode;
use uuid::Uuid;

/// An organisation with Berlin and Lyon, a "Site Manager" and a
/// "Technician" site role, and people placed on them by the owner.
struct Sites {
    app: TestApp,
    org: TestOrganisation,
    owner: String,
    berlin: String,
    lyon: String,
    site_manager: String,
    technician: String,
    /// The Member role, which Sam may grant across the organisation.
    member: String,
    /// Memberships: Sam manages Berlin; Tina is at Berlin, Leo at Lyon,
    /// Bea at both; Adam (an admin across the organisation) is at Berlin
    /// too.
    sam: String,
    tina: String,
    leo: String,
    bea: String,
    adam: String,
}

/// A new member of `org` called `name`, with the org's shared password and
/// the Member role; their membership id and email.
pub(crate) async fn person(app: &TestApp, org: &TestOrganisation, name: &str) -> (String, String) {
    let email = format!(
        "{}.{}@example.test",
        name.to_lowercase().replace(' ', "."),
        Uuid::new_v4().simple()
    );
    let membership: Uuid = sqlx::query_scalar(
        "WITH account AS (
             INSERT INTO accounts (email, display_name, password_hash)
             SELECT $1, $2, password_hash FROM accounts WHERE lower(email) = lower($3)
             RETURNING id)
         INSERT INTO memberships (account_id, organisation_id, role_id)
         SELECT account.id, $4, r.id FROM account, roles r
         WHERE r.key = 'member' AND r.organisation_id = $4
         RETURNING id",
    )
    .bind(&email)
    .bind(name)
    .bind(&org.member_email)
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (membership.to_string(), email)
}

/// Creates the "Site Manager" role (seeing the team, inviting and managing
/// members: what a site role gives at its site only); its id.
pub(crate) async fn site_manager_role(
    app: &TestApp,
    org: &TestOrganisation,
    owner: &str,
) -> String {
    let created = create_role(
        app,
        owner,
        "Site Manager",
        &["team.view", "members.invite", "members.manage"],
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    role_id(app, org, "site-manager").await
}

impl Sites {
    async fn new() -> (Sites, String) {
        let app = TestApp::spawn().await;
        let org = app.organisation().await;
        let owner = owner_of(&app, &org).await;
        let berlin = create_site(&app, &owner, "Berlin").await;
        let lyon = create_site(&app, &owner, "Lyon").await;
        let site_manager = site_manager_role(&app, &org, &owner).await;
        let created = create_role(&app, &owner, "Technician", &["team.view"]).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let technician = role_id(&app, &org, "technician").await;
        let member = role_id(&app, &org, "member").await;
        let (sam, sam_email) = person(&app, &org, "Sam Supervisor").await;
        let (tina, _) = person(&app, &org, "Tina Technician").await;
        let (leo, _) = person(&app, &org, "Leo Lyon").await;
        let (bea, _) = person(&app, &org, "Bea Both").await;
        let adam = membership_of(&app, &org, &org.admin_email).await;
        place(&app, &owner, &sam, &berlin, &site_manager).await;
        for (who, at) in [
            (&tina, &berlin),
            (&leo, &lyon),
            (&bea, &berlin),
            (&bea, &lyon),
            (&adam, &berlin),
        ] {
            place(&app, &owner, who, at, &technician).await;
        }
        let session = app.sign_in(&sam_email, &org.password).await;
        (
            Sites {
                app,
                org,
                owner,
                berlin,
                lyon,
                site_manager,
                technician,
                member,
                sam,
                tina,
                leo,
                bea,
                adam,
            },
            session,
        )
    }

    async fn list(&self, session: &str, extra: &[(&str, &str)]) -> TeamListing {
        let org = self.org.organisation_id.to_string();
        let mut form = vec![("organisation_id", org.as_str())];
        if !extra.iter().any(|(k, _)| *k == "query[tab]") {
            form.push(("query[tab]", "Active"));
        }
        form.extend_from_slice(extra);
        let answer = self.app.call("team/list", &form, Some(session)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.json()
    }

    async fn names(&self, session: &str, extra: &[(&str, &str)]) -> Vec<String> {
        self.list(session, extra)
            .await
            .entries
            .into_iter()
            .map(|e| match e {
                TeamEntry::Member(m) => m.name,
                TeamEntry::Invitation(i) => i.email,
            })
            .collect()
    }

    async fn email_of(&self, membership: &str) -> String {
        sqlx::query_scalar(
            "SELECT a.email FROM accounts a JOIN memberships m ON m.account_id = a.id
             WHERE m.id = $1::uuid",
        )
        .bind(membership)
        .fetch_one(&self.app.pool)
        .await
        .unwrap()
    }

    async fn detail_answer(&self, session: &str, membership: &str) -> ApiResponse {
        self.app
            .call(
                "members/detail",
                &[("membership_id", membership)],
                Some(session),
            )
            .await
    }

    async fn set_site(&self, session: &str, who: &str, site: &str, role: &str) -> ApiResponse {
        self.app
            .call(
                "members/set_site",
                &[("membership_id", who), ("site_id", site), ("role_id", role)],
                Some(session),
            )
            .await
    }

    async fn remove_site(&self, session: &str, who: &str, site: &str) -> ApiResponse {
        self.app
            .call(
                "members/remove_site",
                &[("membership_id", who), ("site_id", site)],
                Some(session),
            )
            .await
    }

    /// Every row a change could touch, to show that refusals change
    /// nothing.
    /// `invitations/create` by `session` for `email` as a Member, with
    /// the site role at each of `sites` (site id, role id).
    async fn invite(&self, session: &str, email: &str, sites: &[(&str, &str)]) -> ApiResponse {
        let sites: Vec<String> = sites
            .iter()
            .map(|(site, role)| format!("{site}:{role}"))
            .collect();
        invite_with(&self.app, session, &self.member, email, "sites", &sites).await
    }

    /// Accepts the invitation behind `link` as someone with an account.
    async fn accept_existing(&self, link: &str, password: &str) -> ApiResponse {
        self.app
            .call(
                "invitation/accept_existing",
                &[
                    ("token", token_of(link).as_str()),
                    ("current_password", password),
                ],
                None,
            )
            .await
    }

    /// A member's sites with their site roles, and their organisation
    /// role, as the owner's page shows them.
    async fn placed(&self, membership: &str) -> (Vec<(String, String)>, String) {
        let page = detail(&self.app, &self.owner, membership).await;
        let sites = page
            .access
            .sites
            .sites
            .into_iter()
            .map(|p| (p.site, p.role))
            .collect();
        (sites, page.member.role)
    }

    async fn fingerprint(&self) -> String {
        sqlx::query_scalar(
            "SELECT concat_ws('|',
                 (SELECT string_agg(id::text || status || role_id::text, ',' ORDER BY id) FROM memberships),
                 (SELECT string_agg(site_id::text || membership_id::text || role_id::text, ',' ORDER BY site_id, membership_id) FROM site_members),
                 (SELECT count(*)::text FROM invitations))",
        )
        .fetch_one(&self.app.pool)
        .await
        .unwrap()
    }
}

#[tokio::test]
async fn a_site_manager_sees_only_their_sites_people_wherever_they_look() {
    let (s, sam) = Sites::new().await;
    assert_eq!(
        s.names(&sam, &[]).await,
        [
            "Adam Admin",
            "Bea Both",
            "Sam Supervisor",
            "Tina Technician"
        ],
        "Berlin's people: not Leo (Lyon), nor those at no site"
    );
    let counts = s.list(&sam, &[]).await.counts;
    assert_eq!((counts.active, counts.inactive), (4, 0));
    assert!(s.names(&sam, &[("query[search]", "Leo")]).await.is_empty());
    assert_eq!(
        s.names(&sam, &[("query[site]", s.lyon.as_str())]).await,
        ["Bea Both"],
        "filtering by another site finds only his people there"
    );
    let choices: FilterChoices = s.app.call("team/filters", &[], Some(&sam)).await.json();
    let sites: Vec<&str> = choices.sites.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(sites, ["Berlin"]);
    let lines = team_csv(&s.app, &sam, "").await;
    assert_eq!(lines.len(), 5, "a header and Berlin's four: {lines:?}");
    assert!(!lines.iter().any(|l| l.contains("Leo Lyon")));

    // Lyon's Leo, and Mia at no site, are as unknown as an id that never
    // existed.
    let unknown = s.detail_answer(&sam, &Uuid::new_v4().to_string()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let mia = membership_of(&s.app, &s.org, &s.org.member_email).await;
    for hidden in [&s.leo, &mia] {
        let answer = s.detail_answer(&sam, hidden).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(answer.body, unknown.body);
    }
    let tina = detail(&s.app, &sam, &s.tina).await;
    assert!(
        tina.recent_events.is_empty(),
        "their history is the audit log's, for those who see the whole team"
    );
    // The owner sees everyone, and the member page's history.
    assert_eq!(s.list(&s.owner, &[]).await.counts.active, 7);
    assert!(!detail(&s.app, &s.owner, &s.tina)
        .await
        .recent_events
        .is_empty());
}

#[tokio::test]
async fn a_site_manager_manages_their_sites_people_and_no_further() {
    let (s, sam) = Sites::new().await;
    // Tina is Berlin's alone: Sam changes her site role, disables and
    // enables her.
    let promoted = s.set_site(&sam, &s.tina, &s.berlin, &s.site_manager).await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    let back = s.set_site(&sam, &s.tina, &s.berlin, &s.technician).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(disable(&s.app, &sam, &s.tina).await.status, StatusCode::OK);
    let enabled = s
        .app
        .call(
            "members/enable",
            &[("membership_id", s.tina.as_str())],
            Some(&sam),
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK, "{}", enabled.body);

    let before = s.fingerprint().await;
    // Lyon is not his: not for Tina, and Leo is nobody to him.
    let lyon = s.set_site(&sam, &s.tina, &s.lyon, &s.technician).await;
    assert_eq!(lyon.refusal(), Refusal::SiteNotYours);
    assert!(lyon.error().for_field("site").is_some());
    assert_eq!(
        s.set_site(&sam, &s.leo, &s.berlin, &s.technician)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        disable(&s.app, &sam, &s.leo).await.status,
        StatusCode::NOT_FOUND
    );
    // Bea is at Lyon too: Sam can only take her off Berlin.
    assert_eq!(
        disable(&s.app, &sam, &s.bea).await.refusal(),
        Refusal::BeyondYourSites
    );
    // Adam manages members across the organisation: he outranks Sam, at
    // Berlin as anywhere.
    assert_eq!(
        disable(&s.app, &sam, &s.adam).await.refusal(),
        Refusal::Outranked
    );
    assert_eq!(
        s.set_site(&sam, &s.adam, &s.berlin, &s.site_manager)
            .await
            .refusal(),
        Refusal::Outranked
    );
    assert_eq!(
        s.remove_site(&sam, &s.adam, &s.berlin).await.refusal(),
        Refusal::Outranked
    );
    // A role across the organisation is not his to change.
    let role_change = s
        .app
        .call(
            "members/change_role",
            &[
                ("membership_id", s.tina.as_str()),
                ("role_id", s.member.as_str()),
            ],
            Some(&sam),
        )
        .await;
    assert_eq!(role_change.refusal(), Refusal::OrganisationWideChange);
    assert_eq!(s.fingerprint().await, before, "refusals change nothing");

    let removed = s.remove_site(&sam, &s.bea, &s.berlin).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert_eq!(
        s.detail_answer(&sam, &s.bea).await.status,
        StatusCode::NOT_FOUND,
        "off Berlin, she is out of his sight"
    );

    // His member page offers what he may do, and no more.
    let page = detail(&s.app, &sam, &s.tina).await;
    let offered: Vec<&str> = page
        .access
        .sites
        .addable
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert!(offered.is_empty(), "Berlin is hers already, Lyon not his");
    assert!(page.access.sites.sites[0].changeable);
    assert!(page.access.grantable.is_empty());
    assert!(!detail(&s.app, &sam, &s.adam).await.access.sites.sites[0].changeable);
}

#[tokio::test]
async fn a_site_manager_invites_into_their_sites_only() {
    let (s, sam) = Sites::new().await;
    let options: InviteOptions = s
        .app
        .call("invitations/options", &[], Some(&sam))
        .await
        .json();
    let sites: Vec<&str> = options.sites.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(sites, ["Berlin"]);
    let roles: Vec<&str> = options.roles.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        roles,
        ["Member"],
        "across the organisation he grants nothing"
    );
    let before = s.fingerprint().await;
    let lyon = s
        .invite(
            &sam,
            "lyon.newcomer@example.test",
            &[(&s.lyon, &s.technician)],
        )
        .await;
    assert_eq!(
        lyon.error().for_field("sites").as_deref(),
        Some(Refusal::SiteNotYours.to_string().as_str()),
        "{}",
        lyon.body
    );
    let nowhere = s.invite(&sam, "nowhere@example.test", &[]).await;
    assert_eq!(
        nowhere.error().for_field("sites").as_deref(),
        Some(Refusal::InviteIntoYourSites.to_string().as_str())
    );
    let admin_role = role_id(&s.app, &s.org, "admin").await;
    let beyond = invite_with(
        &s.app,
        &sam,
        &admin_role,
        "beyond@example.test",
        "sites",
        &[format!("{}:{}", s.berlin, s.technician)],
    )
    .await;
    assert!(
        beyond.error().for_field("role").is_some(),
        "{}",
        beyond.body
    );
    assert_eq!(s.fingerprint().await, before);

    // Into Berlin: sent, shown to him, and accepted onto Berlin.
    let invited = s
        .invite(
            &sam,
            "berlin.newcomer@example.test",
            &[(&s.berlin, &s.technician)],
        )
        .await;
    let InviteOutcome::Created(link) = invited.json() else {
        panic!("{}", invited.body)
    };
    let tab = s.list(&sam, &[("query[tab]", "Invitations")]).await;
    assert_eq!(tab.counts.invitations, 1);
    let accepted = crate::invitations::accept_new(&s.app, &token_of(&link.link)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert!(s
        .names(&sam, &[])
        .await
        .contains(&"Ana Invitee".to_string()));

    // Leo belongs to the organisation, at Lyon: to Sam he is a new address.
    let leo_email = s.email_of(&s.leo).await;
    let leo = s
        .invite(&sam, &leo_email, &[(&s.berlin, &s.technician)])
        .await;
    let InviteOutcome::Created(leo_link) = leo.json() else {
        panic!("answered unlike a new address: {}", leo.body)
    };
    // Tina is his to see: he is told she is a member already.
    let tina_email = s.email_of(&s.tina).await;
    let tina = s
        .invite(&sam, &tina_email, &[(&s.berlin, &s.technician)])
        .await;
    assert!(tina.error().for_field("email").is_some(), "{}", tina.body);

    // Leo accepts with his password: he joins Berlin, and stays at Lyon
    // with his role as it was.
    let joined = s.accept_existing(&leo_link.link, &s.org.password).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert_eq!(
        s.placed(&s.leo).await,
        (
            pairs(&[("Berlin", "Technician"), ("Lyon", "Technician")]),
            "Member".to_string()
        )
    );
    assert_eq!(
        s.detail_answer(&sam, &s.leo).await.status,
        StatusCode::OK,
        "now at Berlin, Sam sees him"
    );

    // An invitation he could not send any more stops working: once Sam is
    // off Berlin, his open invitation into it is revoked.
    let pending = s
        .invite(&sam, "later@example.test", &[(&s.berlin, &s.technician)])
        .await;
    assert_eq!(pending.status, StatusCode::OK, "{}", pending.body);
    let tina_manages = s
        .set_site(&s.owner, &s.tina, &s.berlin, &s.site_manager)
        .await;
    assert_eq!(tina_manages.status, StatusCode::OK);
    let off = s.remove_site(&s.owner, &s.sam, &s.berlin).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invitations WHERE email = 'later@example.test' AND revoked_at IS NULL",
    )
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    assert_eq!(open, 0);
}

/// An open invitation for sites outside Sam's is no answer to him: he
/// makes his own as for a new address. Each inviter is offered the one
/// they can see, and whichever is accepted second adds its sites.
#[tokio::test]
async fn an_invitation_a_site_manager_cannot_see_is_nobody_to_them() {
    let (s, sam) = Sites::new().await;
    let email = "twice@example.test";
    let created = |answer: ApiResponse| match answer.json() {
        InviteOutcome::Created(link) => link,
        _ => panic!("not answered as a new address: {}", answer.body),
    };
    let to_lyon = created(s.invite(&s.owner, email, &[(&s.lyon, &s.technician)]).await);
    let to_berlin = created(s.invite(&sam, email, &[(&s.berlin, &s.technician)]).await);
    assert_ne!(to_lyon.invitation_id, to_berlin.invitation_id);

    // Inviting again, each is offered the one they see: Sam his own, the
    // owner (who sees both) the older.
    let offered = |answer: ApiResponse| match answer.json() {
        InviteOutcome::AlreadyInvited { invitation_id, .. } => invitation_id,
        _ => panic!("not offered the open invitation: {}", answer.body),
    };
    let again = s.invite(&sam, email, &[(&s.berlin, &s.site_manager)]).await;
    assert_eq!(offered(again), to_berlin.invitation_id);
    let again = s.invite(&s.owner, email, &[]).await;
    assert_eq!(offered(again), to_lyon.invitation_id);
    let tab = s.list(&sam, &[("query[tab]", "Invitations")]).await;
    assert_eq!(
        tab.counts.invitations, 1,
        "the Lyon invitation is not his to see"
    );

    // Its page says what accepting makes you, and what it does for someone
    // who is a member already, to every holder alike.
    let app::wire::accept::InvitationPage::Open(page) =
        crate::invitations::view(&s.app, &token_of(&to_berlin.link)).await
    else {
        panic!("the invitation is open")
    };
    assert_eq!(page.joining_as, "Member, and Technician at Berlin");
    assert!(page
        .for_a_member
        .as_deref()
        .is_some_and(|note| note.contains("adds you to Berlin")));

    // The Lyon one accepted makes a member. Before Sam's is accepted too,
    // the owner makes them Berlin's manager: accepting only adds sites, so
    // it neither demotes them there nor leaves Berlin without a manager.
    let joined = crate::invitations::accept_new(&s.app, &token_of(&to_lyon.link)).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let newcomer = membership_of(&s.app, &s.org, email).await;
    place(&s.app, &s.owner, &newcomer, &s.berlin, &s.site_manager).await;
    let joined = s
        .accept_existing(&to_berlin.link, "violet lantern harbour seventeen")
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert_eq!(
        s.placed(&newcomer).await,
        (
            pairs(&[("Berlin", "Site Manager"), ("Lyon", "Technician")]),
            "Member".to_string()
        )
    );
}

/// Owned (site, site role) pairs, to compare with `Sites::placed`.
fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(site, role)| (site.to_string(), role.to_string()))
        .collect()
}

#[tokio::test]
async fn a_site_always_keeps_someone_who_manages_its_people() {
    let (s, _) = Sites::new().await;
    // Two managers at Berlin; the owner demotes both at once: one demotion
    // goes through, the other is refused, and Berlin keeps one.
    place(&s.app, &s.owner, &s.tina, &s.berlin, &s.site_manager).await;
    let (first, second) = tokio::join!(
        s.set_site(&s.owner, &s.sam, &s.berlin, &s.technician),
        s.set_site(&s.owner, &s.tina, &s.berlin, &s.technician),
    );
    let mut answers = [first, second];
    answers.sort_by_key(|a| a.status.as_u16());
    assert_eq!(answers[0].status, StatusCode::OK, "{}", answers[0].body);
    assert_eq!(
        answers[1].refusal(),
        Refusal::LastSiteManager {
            site: "Berlin".into()
        }
    );
    let managers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM site_members WHERE site_id = $1::uuid AND role_id = $2::uuid",
    )
    .bind(&s.berlin)
    .bind(&s.site_manager)
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    assert_eq!(managers, 1);
    let last: Uuid = sqlx::query_scalar(
        "SELECT membership_id FROM site_members WHERE site_id = $1::uuid AND role_id = $2::uuid",
    )
    .bind(&s.berlin)
    .bind(&s.site_manager)
    .fetch_one(&s.app.pool)
    .await
    .unwrap();
    let last = last.to_string();

    // Nor does any other way take Berlin's last manager away.
    let before = s.fingerprint().await;
    let refused = Refusal::LastSiteManager {
        site: "Berlin".into(),
    };
    assert_eq!(
        s.remove_site(&s.owner, &last, &s.berlin).await.refusal(),
        refused
    );
    let version: i32 = sqlx::query_scalar("SELECT version FROM roles WHERE id = $1::uuid")
        .bind(&s.site_manager)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let edited = crate::roles::call(
        &s.app,
        "roles/update",
        &[
            ("role_id".into(), s.site_manager.clone()),
            ("version".into(), version.to_string()),
            ("name".into(), "Site Manager".into()),
            ("description".into(), String::new()),
            ("permissions[0]".into(), "team.view".into()),
        ],
        &s.owner,
    )
    .await;
    assert_eq!(edited.refusal(), refused);
    assert_eq!(s.fingerprint().await, before, "nothing half-written");

    // But a compromised last manager can be stopped at once: someone who
    // manages people across the organisation may disable them (with a
    // fresh proof, as any disable), and delete them.
    let disabled = disable(&s.app, &s.owner, &last).await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    let status: String = sqlx::query_scalar("SELECT status FROM memberships WHERE id = $1::uuid")
        .bind(&last)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "disabled");
    let email = s.email_of(&last).await;
    let deleted = s
        .app
        .call(
            "members/delete",
            &[
                ("membership_id", last.as_str()),
                ("confirm_email", email.as_str()),
            ],
            Some(&s.owner),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);

    // Lyon never had one: its people come and go freely.
    let off = s.remove_site(&s.owner, &s.leo, &s.lyon).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
}

#[tokio::test]
async fn power_over_access_at_a_site_comes_under_the_two_factor_policy() {
    let (s, _) = Sites::new().await;
    let saved = s
        .app
        .call(
            "organisation/two_factor_policy",
            &[
                ("two_factor_policy", "sensitive"),
                ("two_factor_grace_days", "7"),
            ],
            Some(&s.owner),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let required = |who: String| {
        let pool = s.app.pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>(
                "SELECT two_factor_required_since IS NOT NULL FROM memberships WHERE id = $1::uuid",
            )
            .bind(who)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert!(required(s.sam.clone()).await, "Sam manages Berlin's people");
    assert!(!required(s.tina.clone()).await);
    let promoted = s
        .set_site(&s.owner, &s.tina, &s.berlin, &s.site_manager)
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    assert!(
        required(s.tina.clone()).await,
        "as she becomes a manager at Berlin"
    );
    let off = s.remove_site(&s.owner, &s.tina, &s.berlin).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert!(!required(s.tina.clone()).await, "and no more once off it");
}
