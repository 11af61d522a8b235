//! Profile pictures: the profile page's upload, and the pictures shown
//! beside people's names.

use super::or_sign_in;
use app::domain::avatar::{AvatarProblem, CONTENT_TYPE, MAX_UPLOAD_BYTES};
use app::domain::MembershipId;
use app::server::request::RequestScope;
use app::wire::AppError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The largest upload request: the picture, and room for the form's other
/// parts.
pub const MAX_REQUEST_BYTES: usize = MAX_UPLOAD_BYTES + 64 * 1024;

/// `POST /profile/avatar`: a picture from the profile page's form
/// (`multipart/form-data`, the file in `avatar`). A plain form post, so it
/// works before the page is interactive; the answer is a redirect back to
/// the profile page, saying what happened in its query (`?avatar=saved` or
/// `?avatar_error=<code>`), which the page shows beside the file field.
pub async fn upload(
    scope: RequestScope,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let outcome = scope
        .run(|scope| async move {
            // Who is asking, before a byte of the body is read: anyone not
            // signed in gets the sign-in page, whatever they sent.
            app::server::actor::authenticate_for_setup(&scope).await?;
            let upload = match multipart {
                Ok(multipart) => read_avatar_field(multipart).await,
                Err(_) => Err(AvatarProblem::Missing),
            };
            match upload {
                Ok(bytes) => app::server::profile::save_avatar(scope, bytes).await,
                Err(problem) => Ok(Err(problem)),
            }
        })
        .await;
    let answer = outcome.map(|saved| match saved {
        Ok(()) => Redirect::to("/profile?avatar=saved").into_response(),
        Err(problem) => {
            Redirect::to(&format!("/profile?avatar_error={}", problem.code())).into_response()
        }
    });
    or_sign_in(answer, "%2Fprofile")
}

/// The bytes of the form's `avatar` file, refused once they pass the limit
/// (the body limit stops a longer request at the same point).
async fn read_avatar_field(mut multipart: Multipart) -> Result<Vec<u8>, AvatarProblem> {
    loop {
        let Ok(Some(mut field)) = multipart.next_field().await else {
            return Err(AvatarProblem::Missing);
        };
        if field.name() != Some("avatar") {
            continue;
        }
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        return Err(AvatarProblem::TooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) if bytes.is_empty() => return Err(AvatarProblem::Missing),
                Ok(None) => return Ok(bytes),
                // The body limit, or a connection cut short.
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(AvatarProblem::TooLarge)
                }
                Err(_) => return Err(AvatarProblem::Unreadable),
            }
        }
    }
}

/// `GET /avatars/{membership}`: a member's picture, for people of the same
/// organisation. Always `image/jpeg` (the server encoded it), never
/// sniffed; cached for good, since its address changes with it (`?v=`).
pub async fn image(scope: RequestScope, Path(membership): Path<String>) -> Response {
    let Ok(membership) = membership.parse::<MembershipId>() else {
        return AppError::NotFound.into_response();
    };
    match scope
        .run(|scope| app::server::profile::avatar_image(scope, membership))
        .await
    {
        Ok(image) => (
            [
                (header::CONTENT_TYPE, CONTENT_TYPE),
                (
                    header::CACHE_CONTROL,
                    "private, max-age=31536000, immutable",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"avatar.jpg\"",
                ),
            ],
            image,
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}
